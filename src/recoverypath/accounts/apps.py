from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "recoverypath.accounts"
    label = "accounts"
    verbose_name = "Accounts and programs"

    def ready(self) -> None:
        from recoverypath.core import navigation

        from . import (
            receivers,  # noqa: F401  (auth signal -> audit trail)
            services,
        )
        from .views import nav_items

        navigation.register(nav_items)
        services.register()
