from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "recoverypath.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from recoverypath.clients.views import register_client_panel
        from recoverypath.core import navigation, todo

        from .views import client_panel, nav_items, todo_items

        navigation.register(nav_items)
        register_client_panel(client_panel)
        todo.register(todo_items)
