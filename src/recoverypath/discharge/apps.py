from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "recoverypath.discharge"
    label = "discharge"
    verbose_name = "Discharge planning"

    def ready(self) -> None:
        from recoverypath.alerts.kinds import register_kind
        from recoverypath.clients.views import register_client_panel, register_home_section
        from recoverypath.core import navigation, todo

        from . import receivers  # noqa: F401  (connects care's episode signals)
        from .views import client_home_section, client_panel, nav_items, todo_items

        navigation.register(nav_items)
        todo.register(todo_items)
        register_client_panel(client_panel)
        register_home_section(client_home_section)
        register_kind("discharge.readiness", "Discharge items open before graduation")
        _register_finish_check()
        _register_family_sections()


def _register_family_sections() -> None:
    from recoverypath.consent.family import register_family_section

    from .family import summary_for_family

    register_family_section(
        "discharge_summary", summary_for_family
    )  # consent's Category.DISCHARGE_SUMMARY


def _register_finish_check() -> None:
    """Refuse `completed` in care's own finish while required discharge items are open."""
    from recoverypath.care.services import register_finish_check

    from .services import episode_finish_check

    register_finish_check(episode_finish_check)
