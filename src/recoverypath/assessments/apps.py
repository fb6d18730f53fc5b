from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "recoverypath.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from recoverypath.alerts.kinds import register_kind
        from recoverypath.clients.views import register_client_panel, register_home_section
        from recoverypath.core import navigation, todo

        from . import receivers, views  # noqa: F401  (receivers connects care's signals)

        navigation.register(views.nav_items)
        register_home_section(views.home_section, order=30)
        register_client_panel(views.client_panel)
        register_kind("safety.phq9_item9", "PHQ-9 item 9 above 0 (thoughts of self-harm)")
        register_kind("safety.cssrs_positive", "C-SSRS screener: moderate or high risk")
        register_kind("safety.cssrs_low", "C-SSRS screener: low risk, review within 72 hours")
        todo.register(views.todo_items)

        _register_family_sections()


def _register_family_sections() -> None:
    from recoverypath.consent.family import Category, register_family_section

    from .family import scores_for_family

    register_family_section(Category.ASSESSMENT_SCORES, scores_for_family)
