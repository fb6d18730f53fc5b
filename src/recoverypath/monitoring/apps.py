from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "recoverypath.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from recoverypath.core.hooks.alerts import register_alert_kind
        from recoverypath.core.hooks.clients import register_client_panel, register_home_section
        from recoverypath.core.hooks.family import register_family_section
        from recoverypath.core.hooks.reminders import register_reminder_check

        from . import tasks  # noqa: F401  (the periodic task)
        from .family import check_ins_for_family
        from .reminders import DAILY_PREFIX, MISSED_PREFIX, check_in_reminder_wanted
        from .views import client_panel, home_section

        register_home_section(home_section, order=10)
        register_client_panel(client_panel)
        register_alert_kind("monitoring.reach_out_requested", "Asked the coordinator to reach out")
        register_family_section("check_ins", check_ins_for_family)
        register_reminder_check(DAILY_PREFIX, check_in_reminder_wanted)
        register_reminder_check(MISSED_PREFIX, check_in_reminder_wanted)
