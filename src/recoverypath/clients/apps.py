from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "recoverypath.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from recoverypath.core.hooks.audit import register_clients_in_programs
        from recoverypath.core.hooks.clients import register_home_section
        from recoverypath.core.hooks.invitations import register_invitation_kind
        from recoverypath.core.hooks.navigation import register_nav_items
        from recoverypath.core.hooks.offline import register_offline_page

        from .invitations import CLIENT_INVITATION
        from .selectors import client_ids_in_programs
        from .views import nav_items, next_appointment_section

        register_nav_items(nav_items)
        register_clients_in_programs(client_ids_in_programs)
        register_invitation_kind(CLIENT_INVITATION)
        register_offline_page("clients:me", order=10)
        # First on the home: the next appointment and, while it is open, its "Join" button.
        register_home_section(next_appointment_section, order=1)
