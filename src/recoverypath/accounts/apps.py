from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "recoverypath.accounts"
    label = "accounts"
    verbose_name = "Accounts and programs"

    def ready(self) -> None:
        from recoverypath.core.hooks.invitations import register_invitation_kind
        from recoverypath.core.hooks.navigation import register_nav_items

        from . import receivers  # noqa: F401  (auth signal -> audit trail)
        from .services.staff import STAFF_INVITATION
        from .views import nav_items

        register_nav_items(nav_items)
        register_invitation_kind(STAFF_INVITATION)
