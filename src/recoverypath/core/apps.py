from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "recoverypath.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import checks, openapi  # noqa: F401 (checks, openapi register themselves)
        from .hooks.navigation import register_nav_items
        from .params import bound_api_dates, bound_api_numbers
        from .views import nav_items

        register_nav_items(nav_items)
        bound_api_dates()
        bound_api_numbers()
