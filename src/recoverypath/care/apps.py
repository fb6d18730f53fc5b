from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "recoverypath.care"
    label = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        from recoverypath.core.hooks.clients import register_client_panel

        from .views import timeline_panel

        register_client_panel(timeline_panel)
