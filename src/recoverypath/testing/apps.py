from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "recoverypath.testing"
    label = "testing"

    def ready(self) -> None:
        from recoverypath.core.hooks.alerts import register_alert_kind
        from recoverypath.core.hooks.clients import register_client_panel, register_home_section
        from recoverypath.core.hooks.family import register_family_section
        from recoverypath.core.hooks.navigation import register_nav_items
        from recoverypath.core.hooks.todo import register_todo_source

        from .family import results_for_family
        from .services.results import KIND_BRAC, KIND_INVALID, KIND_POSITIVE
        from .services.selection import KIND_NO_SHOW
        from .views import client_panel, home_section, nav_items, todo_items

        register_home_section(home_section, order=5)
        register_client_panel(client_panel)
        register_nav_items(nav_items)
        register_todo_source(todo_items)
        register_alert_kind(KIND_POSITIVE, "Positive drug test")
        register_alert_kind(KIND_BRAC, "Breath alcohol above the program's threshold")
        register_alert_kind(KIND_INVALID, "Test specimen not valid")
        register_alert_kind(KIND_NO_SHOW, "Random test not given (no-show)")
        register_family_section("test_results", results_for_family)
