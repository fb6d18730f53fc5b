"""Text messages through the configured provider (HTTP gateway, or the console)."""

from __future__ import annotations

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
            to=notification.address, body=notification.body, key=f"notification-{notification.id}"
        )
