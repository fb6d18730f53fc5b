from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "recoverypath.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from recoverypath.core import navigation

        from . import invitations
        from .views import nav_items

        navigation.register(nav_items)
        invitations.register()
