from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "recoverypath.interop"
    label = "interop"
    verbose_name = "Interoperability (FHIR, calendars, exports)"

    def ready(self) -> None:
        from recoverypath.core.hooks.clients import register_home_section
        from recoverypath.core.hooks.navigation import register_nav_items

        from .fhir.mapping import register_mappers
        from .reports import register_reports
        from .views import home_section, nav_items, staff_nav_items

        register_nav_items(nav_items)
        register_nav_items(staff_nav_items)
        register_home_section(home_section, order=90)
        register_mappers()
        register_reports()
