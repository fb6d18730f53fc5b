from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "recoverypath.outcomes"
    label = "outcomes"
    verbose_name = "Outcome reports"

    def ready(self) -> None:
        from recoverypath.core.hooks.navigation import register_nav_items

        from .views import nav_items

        register_nav_items(nav_items)
