from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "recoverypath.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from recoverypath.core.hooks.alerts import register_alert_kind
        from recoverypath.core.hooks.clients import register_client_panel, register_home_section
        from recoverypath.core.hooks.family import register_family_section
        from recoverypath.core.hooks.navigation import register_nav_items
        from recoverypath.core.hooks.reminders import register_reminder_check
        from recoverypath.core.hooks.todo import register_todo_source

        from . import receivers, views  # noqa: F401  (receivers connects care's signals)
        from .family import scores_for_family
        from .services import REMINDER_KEY_PREFIX, assessment_reminder_wanted

        register_nav_items(views.nav_items)
        register_home_section(views.home_section, order=30)
        register_client_panel(views.client_panel)
        register_alert_kind("safety.phq9_item9", "PHQ-9 item 9 above 0 (thoughts of self-harm)")
        register_alert_kind("safety.cssrs_positive", "C-SSRS screener: moderate or high risk")
        register_alert_kind("safety.cssrs_low", "C-SSRS screener: low risk, review within 72 hours")
        register_todo_source(views.todo_items)
        register_family_section("assessment_scores", scores_for_family)
        register_reminder_check(REMINDER_KEY_PREFIX, assessment_reminder_wanted)
