from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "recoverypath.incentives"
    label = "incentives"
    verbose_name = "Contingency management"

    def ready(self) -> None:
        from recoverypath.clients.views import register_client_panel, register_home_section
        from recoverypath.core import navigation

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .views import client_panel, home_section, nav_items

        register_home_section(home_section, order=20)
        register_client_panel(client_panel)
        navigation.register(nav_items)
