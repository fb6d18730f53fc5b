from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "recoverypath.outcomes"
    label = "outcomes"
    verbose_name = "Outcome reports"

    def ready(self) -> None:
        from recoverypath.core import navigation

        from .views import nav_items

        navigation.register(nav_items)
