from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "recoverypath.aftercare"
    label = "aftercare"

    def ready(self) -> None:
        from recoverypath.alerts.kinds import register_kind
        from recoverypath.clients.views import register_client_panel, register_home_section
        from recoverypath.safety.views import register_help_action, register_help_request

        from .views import client_panel, help_action, help_request_handler, home_section

        register_client_panel(client_panel)
        register_home_section(home_section, order=50)
        register_help_action(help_action)
        register_help_request(help_request_handler)
        register_kind("aftercare.help_requested", '"I need help now" pressed')

        _register_family_sections()


def _register_family_sections() -> None:
    from recoverypath.consent.family import register_family_section

    from .family import plan_for_family

    register_family_section("aftercare_plan", plan_for_family)  # consent's Category.AFTERCARE_PLAN
