from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "recoverypath.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from recoverypath.core.hooks.channels import register_channel
        from recoverypath.core.hooks.invitations import register_sms_sender
        from recoverypath.core.hooks.navigation import register_nav_items

        from .channels.email.transport import Transport as EmailTransport
        from .channels.in_app.transport import Transport as InAppTransport
        from .channels.sms.transport import Transport as SmsTransport
        from .channels.sms.transport import invitation_text_send
        from .views import nav_items

        # One line per channel, in the order they are offered and written.
        register_channel(InAppTransport())
        register_channel(EmailTransport())
        register_channel(SmsTransport())

        register_nav_items(nav_items)
        register_sms_sender(invitation_text_send)
