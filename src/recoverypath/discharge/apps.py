from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "recoverypath.discharge"
    label = "discharge"
    verbose_name = "Discharge planning"

    def ready(self) -> None:
        from recoverypath.core.hooks.alerts import register_alert_kind
        from recoverypath.core.hooks.appointments import register_appointment_source
        from recoverypath.core.hooks.care import register_finish_check
        from recoverypath.core.hooks.clients import register_client_panel, register_home_section
        from recoverypath.core.hooks.family import register_family_section
        from recoverypath.core.hooks.navigation import register_nav_items
        from recoverypath.core.hooks.todo import register_todo_source

        from . import receivers  # noqa: F401  (connects care's episode signals)
        from .family import summary_for_family
        from .selectors.referrals import client_next_first_appointment
        from .services import episode_finish_check
        from .views import client_home_section, client_panel, nav_items, todo_items

        register_nav_items(nav_items)
        register_todo_source(todo_items)
        register_client_panel(client_panel)
        register_home_section(client_home_section)
        register_appointment_source(client_next_first_appointment)
        register_alert_kind("discharge.readiness", "Discharge items open before graduation")
        # Refuses `completed` in care's own finish while required discharge items are open.
        register_finish_check(episode_finish_check)
        register_family_section("discharge_summary", summary_for_family)
