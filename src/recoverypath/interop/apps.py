from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "recoverypath.interop"
    label = "interop"
    verbose_name = "Interoperability (FHIR, calendars, exports)"

    def ready(self) -> None:
        from recoverypath.core import navigation

        from .views import nav_items

        navigation.register(nav_items)
