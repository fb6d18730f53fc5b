from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "recoverypath.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from recoverypath.core import audit, navigation

        from . import invitations
        from .selectors import client_ids_in_programs
        from .views import nav_items

        navigation.register(nav_items)
        audit.register_clients_in_programs(client_ids_in_programs)
        invitations.register()
