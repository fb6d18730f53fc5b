from django.apps import AppConfig


class AlumniConfig(AppConfig):
    name = "recoverypath.alumni"
    label = "alumni"
    verbose_name = "Alumni community"

    def ready(self) -> None:
        from recoverypath.core.hooks.alerts import register_alert_kind
        from recoverypath.core.hooks.clients import register_home_section
        from recoverypath.core.hooks.navigation import register_nav_items

        from .services import HELP_KIND
        from .views import home_section, nav_items

        register_home_section(home_section, order=60)
        register_nav_items(nav_items)
        register_alert_kind(HELP_KIND, "An alumnus asked for help")
