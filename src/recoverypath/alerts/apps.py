from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "recoverypath.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from recoverypath.core.hooks.clients import register_client_panel
        from recoverypath.core.hooks.navigation import register_nav_items
        from recoverypath.core.hooks.todo import register_todo_source

        from .views import client_panel, nav_items, todo_items

        register_nav_items(nav_items)
        register_client_panel(client_panel)
        register_todo_source(todo_items)
