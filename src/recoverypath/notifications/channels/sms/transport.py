"""Text messages through the configured provider (HTTP gateway, or the console). A text leaves
the building: it carries the link only, never health information."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..base import BaseTransport, ProviderLookup
from .providers import provider_from_settings

if TYPE_CHECKING:
    from ...models import Notification, NotificationPreference


class Transport(BaseTransport):
    name = "sms"
    address_field = "phone"
    address_missing = "Enter a mobile number to receive text messages."

    def address(self, recipient: Any, preference: NotificationPreference | None) -> str:
        if preference is not None and preference.phone:
            return preference.phone
        record = getattr(recipient, "client_record", None)
        return getattr(record, "phone", "") or ""

    def send(self, notification: Notification) -> str:
        return provider_from_settings().send(
            to=notification.address, body=notification.body, key=message_key(notification)
        )

    def lookup(self, notification: Notification) -> ProviderLookup | None:
        provider = provider_from_settings()
        ask = getattr(provider, "lookup", None)
        return ask(key=message_key(notification)) if ask is not None else None


def message_key(notification: Notification) -> str:
    """Our id for the message, sent as its Idempotency-Key and used to ask about it later."""
    return f"notification-{notification.id}"


def invitation_text_send(to: str, body: str, key: str) -> str:
    """Invitation links by text message, through the configured SMS provider (accounts comes
    before notifications, so it is handed this function through core.hooks.invitations)."""
    return provider_from_settings().send(to=to, body=body, key=key)
