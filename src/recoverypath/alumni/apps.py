from django.apps import AppConfig


class AlumniConfig(AppConfig):
    name = "recoverypath.alumni"
    label = "alumni"
    verbose_name = "Alumni community"

    def ready(self) -> None:
        from recoverypath.alerts.kinds import register_kind
        from recoverypath.clients.views import register_home_section
        from recoverypath.core import navigation

        from .services import HELP_KIND
        from .views import home_section, nav_items

        register_home_section(home_section, order=60)
        navigation.register(nav_items)
        register_kind(HELP_KIND, "An alumnus asked for help")
