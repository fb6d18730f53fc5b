from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "recoverypath.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import navigation, openapi  # noqa: F401 (openapi: schema field extensions)
        from .params import require_plausible_dates
        from .views import nav_items

        navigation.register(nav_items)
        require_plausible_dates()
