"""Delivery channels. Each is a folder with the same shape:
- `transport.py`: a `Transport(BaseTransport)` with the channel's `name`, `address(recipient,
  preference)`, `send(notification)` and optionally `lookup(notification)`, and what it declares
  about itself (`delivers_on_write`, `on_by_default`, `may_carry_health_information`: no unless
  it says so);
- `messages/default/`: the channel's default `subject.txt` and `body.txt` (see
  notifications.messages).
Adding a channel means copying a folder and registering its transport in `notifications.apps`
(`core.hooks.channels.register_channel`); the preferences form, the API and the choice of
channels for a recipient follow the registry. The person's choice is kept in the
`NotificationPreference` column named after the channel."""

from __future__ import annotations

import sys
from pathlib import Path

from recoverypath.core.hooks.channels import ChannelTransport, channel_transport

from .base import BaseTransport, DeliveryError, ProviderLookup

__all__ = [
    "BaseTransport",
    "DeliveryError",
    "ProviderLookup",
    "channel_folder",
    "transport_for",
]


def transport_for(channel: str) -> ChannelTransport:
    """The registered transport of `channel` (KeyError for an unknown channel)."""
    return channel_transport(channel)


def channel_folder(channel: str) -> Path:
    """The folder of the channel's transport module (where its `messages/` live)."""
    module = sys.modules[type(channel_transport(channel)).__module__]
    return Path(module.__file__ or "").resolve().parent
