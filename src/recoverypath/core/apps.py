from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "recoverypath.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import checks, navigation, openapi  # noqa: F401 (checks, openapi register themselves)
        from .params import bound_api_dates, bound_api_numbers
        from .views import nav_items

        navigation.register(nav_items)
        bound_api_dates()
        bound_api_numbers()
