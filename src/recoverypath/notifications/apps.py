from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "recoverypath.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from recoverypath.core import navigation

        from .views import nav_items

        navigation.register(nav_items)
