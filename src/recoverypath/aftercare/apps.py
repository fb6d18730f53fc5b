from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "recoverypath.aftercare"
    label = "aftercare"

    def ready(self) -> None:
        from recoverypath.clients.views import register_client_panel, register_home_section

        from .views import client_panel, home_section

        register_client_panel(client_panel)
        register_home_section(home_section)
