from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "recoverypath.aftercare"
    label = "aftercare"

    def ready(self) -> None:
        from recoverypath.core.hooks.alerts import register_alert_kind
        from recoverypath.core.hooks.appointments import register_appointment_source
        from recoverypath.core.hooks.clients import register_client_panel, register_home_section
        from recoverypath.core.hooks.family import register_family_section
        from recoverypath.core.hooks.help import register_help_action, register_help_request
        from recoverypath.core.hooks.reminders import register_reminder_check

        from .family import plan_for_family
        from .selectors import client_next_check_in
        from .services.check_ins import REMINDER_PREFIX, coordinator_check_in_reminder_wanted
        from .views import (
            client_panel,
            help_action,
            help_request_handler,
            home_section,
            plan_home_section,
        )

        register_client_panel(client_panel)
        register_home_section(plan_home_section, order=45)
        register_home_section(home_section, order=50)
        register_appointment_source(client_next_check_in)
        register_help_action(help_action)
        register_help_request(help_request_handler)
        register_alert_kind("aftercare.help_requested", '"I need help now" pressed')
        register_family_section("aftercare_plan", plan_for_family)
        register_reminder_check(REMINDER_PREFIX, coordinator_check_in_reminder_wanted)
