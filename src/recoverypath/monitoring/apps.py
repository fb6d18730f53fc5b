from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "recoverypath.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from recoverypath.clients.views import register_client_panel, register_home_section

        from .views import client_panel, home_section

        register_home_section(home_section, order=10)
        register_client_panel(client_panel)
