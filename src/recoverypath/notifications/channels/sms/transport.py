"""Text messages through the configured provider (HTTP gateway, or the console)."""

from __future__ import annotations

from ..base import ProviderLookup
from .providers import provider_from_settings


class Transport:
    name = "sms"
    delivers_on_write = False

    def address(self, recipient, preference) -> str:
        if preference is not None and preference.phone:
            return preference.phone
        record = getattr(recipient, "client_record", None)
        return getattr(record, "phone", "") or ""

    def send(self, notification) -> str:
        return provider_from_settings().send(
            to=notification.address, body=notification.body, key=message_key(notification)
        )

    def lookup(self, notification) -> ProviderLookup | None:
        provider = provider_from_settings()
        ask = getattr(provider, "lookup", None)
        return ask(key=message_key(notification)) if ask is not None else None


def message_key(notification) -> str:
    """Our id for the message, sent as its Idempotency-Key and used to ask about it later."""
    return f"notification-{notification.id}"
