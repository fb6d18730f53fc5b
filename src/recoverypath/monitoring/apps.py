from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "recoverypath.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from recoverypath.alerts.kinds import register_kind
        from recoverypath.clients.views import register_client_panel, register_home_section

        from .views import client_panel, home_section

        register_home_section(home_section, order=10)
        register_client_panel(client_panel)
        register_kind("monitoring.reach_out_requested", "Asked the coordinator to reach out")

        _register_family_sections()


def _register_family_sections() -> None:
    from recoverypath.consent.family import Category, register_family_section

    from .family import check_ins_for_family

    register_family_section(Category.CHECK_INS, check_ins_for_family)
