from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "recoverypath.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from recoverypath.core.hooks.api_auth import register_user_join
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
        # A client's API calls (check-ins above all) act on their own record: load it with the
        # token (client_for_user_account then needs no query).
        for path in ("client_record", "client_record__program", "client_record__organization"):
            register_user_join(path)
        # First on the home: the next appointment and, while it is open, its "Join" button.
        register_home_section(next_appointment_section, order=1)
