from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "recoverypath.testing"
    label = "testing"

    def ready(self) -> None:
        from recoverypath.alerts.kinds import register_kind
        from recoverypath.clients.views import register_client_panel, register_home_section
        from recoverypath.core import navigation, todo

        from .services.results import KIND_BRAC, KIND_INVALID, KIND_POSITIVE
        from .services.selection import KIND_NO_SHOW
        from .views import client_panel, home_section, nav_items, todo_items

        register_home_section(home_section, order=5)
        register_client_panel(client_panel)
        navigation.register(nav_items)
        todo.register(todo_items)
        register_kind(KIND_POSITIVE, "Positive drug test")
        register_kind(KIND_BRAC, "Breath alcohol above the program's threshold")
        register_kind(KIND_INVALID, "Test specimen not valid")
        register_kind(KIND_NO_SHOW, "Random test not given (no-show)")

        _register_family_sections()


def _register_family_sections() -> None:
    from recoverypath.consent.family import register_family_section

    from .family import results_for_family

    # consent's Category.TEST_RESULTS; registering checks the name, so a typo fails at start-up.
    register_family_section("test_results", results_for_family)
