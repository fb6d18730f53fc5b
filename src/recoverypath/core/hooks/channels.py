"""Notification channels: the ways a message reaches a person (in the app, e-mail, SMS...).

Each channel is one folder, `notifications/channels/<name>/` (its transport and its default
message templates), and one line in `notifications.apps`:

    register_channel(EmailTransport())

The order of registration is the order channels are offered on the preferences form and written
for a recipient. A transport says, on itself:
- `name`: the channel's name, stored on every notification and the preference column it reads
  (`NotificationPreference.<name>`).
- `delivers_on_write`: writing the row is the delivery (in the app); otherwise a worker sends it.
- `on_by_default`: used for people who never saved preferences.
- `may_carry_health_information`: whether its messages may carry anything about a client.
  Anything that leaves the building (e-mail, SMS, a push service) must not, so a transport that
  does not say `True` gets only the link (`channel_may_carry_health_information`). It is not part
  of the Protocol on purpose: leaving it out is the safe default.
- `address(recipient, preference) -> str`: where to send ("" when the person cannot be reached
  this way); `send(notification) -> provider message id` (raises DeliveryError); optionally
  `lookup(notification)` (see `notifications.channels.base`).
"""

from __future__ import annotations

from typing import Any, Protocol

from . import Hook


class ChannelTransport(Protocol):
    name: str
    delivers_on_write: bool
    on_by_default: bool

    # `recipient`: an accounts.User; `preference`: a notifications.NotificationPreference or None;
    # `notification`: a notifications.Notification (core comes before both apps).
    def address(self, recipient: Any, preference: Any) -> str: ...

    def send(self, notification: Any) -> str: ...


channels: Hook[ChannelTransport] = Hook(
    "notification channels", "Ways a notification reaches a person: one transport per channel"
)


def register_channel(transport: ChannelTransport, *, order: int = 100) -> ChannelTransport:
    return channels.register(transport, order=order, key=transport.name)


def channel_transports() -> list[ChannelTransport]:
    """Every registered channel's transport, in order."""
    return channels.entries()


def channel_transport(name: str) -> ChannelTransport:
    """The transport of channel `name`; KeyError for a channel nobody registered."""
    return channels.keyed()[name]


def channel_may_carry_health_information(name: str) -> bool:
    """True only for a registered channel whose transport declares it may (default: no)."""
    transport = channels.keyed().get(name)
    return getattr(transport, "may_carry_health_information", False) is True
