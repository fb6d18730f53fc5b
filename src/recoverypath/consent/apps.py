from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "recoverypath.consent"
    label = "consent"
    verbose_name = "42 CFR Part 2 consents"

    def ready(self) -> None:
        from recoverypath.clients.views import register_client_panel

        from .views import client_panel

        register_client_panel(client_panel)
