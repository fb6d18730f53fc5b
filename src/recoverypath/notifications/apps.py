from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "recoverypath.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from recoverypath.core.hooks.invitations import register_sms_sender
        from recoverypath.core.hooks.navigation import register_nav_items

        from .views import nav_items

        register_nav_items(nav_items)
        register_sms_sender(_send_invitation_sms)


def _send_invitation_sms(to: str, body: str, key: str) -> str:
    """Invitation links by text message, through the configured SMS provider (accounts comes
    before notifications, so it is handed this function rather than importing it)."""
    from .channels.sms.providers import provider_from_settings

    return provider_from_settings().send(to=to, body=body, key=key)
