"""Delivery channels. Each is a folder with the same shape: `transport.py` defining `Transport`
with `name`, `delivers_on_write`, `address(recipient, preference) -> str` ("" when the person
cannot be reached this way) and `send(notification) -> provider message id` (raises
DeliveryError), and optionally `lookup(notification) -> ProviderLookup | None` for asking the
provider, after a worker died mid-send, whether the message went out. Adding a channel means
copying a folder and listing it below."""

from __future__ import annotations

from .base import DeliveryError, ProviderLookup, Transport
from .email.transport import Transport as EmailTransport
from .in_app.transport import Transport as InAppTransport
from .sms.transport import Transport as SmsTransport

__all__ = ["DeliveryError", "ProviderLookup", "Transport", "transport_for"]

_TRANSPORTS: dict[str, Transport] = {
    "email": EmailTransport(),
    "sms": SmsTransport(),
    "in_app": InAppTransport(),
}


def transport_for(channel: str) -> Transport:
    return _TRANSPORTS[channel]
