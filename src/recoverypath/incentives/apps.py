from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "recoverypath.incentives"
    label = "incentives"
    verbose_name = "Contingency management"

    def ready(self) -> None:
        from recoverypath.core.hooks.checkins import register_check_in_rule_inputs
        from recoverypath.core.hooks.clients import register_client_panel, register_home_section
        from recoverypath.core.hooks.navigation import register_nav_items

        from . import receivers  # connects the signal receivers
        from .views import client_panel, home_section, nav_items

        register_home_section(home_section, order=20)
        register_client_panel(client_panel)
        register_nav_items(nav_items)
        register_check_in_rule_inputs(receivers.check_in_inputs)
