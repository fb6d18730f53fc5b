"""What every channel's transport shares: the errors it raises, what a provider lookup returns,
and `BaseTransport`, whose defaults a new channel inherits (above all: no health information)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import Notification, NotificationPreference


class DeliveryError(Exception):
    """The provider refused or could not be reached; the row is kept and retried."""


@dataclass(frozen=True)
class ProviderLookup:
    """What a provider says about a message we may or may not have sent (by our message id)."""

    delivered: bool
    message_id: str = ""


class BaseTransport:
    """A channel's transport (see core.hooks.channels). Subclasses set `name` and implement
    `address` and `send`; the rest defaults to the cautious answer."""

    name: str = ""
    delivers_on_write: bool = False
    on_by_default: bool = False
    # Whether a message on this channel may carry anything about a client. Only a channel that
    # is read after login (in the app) says True; e-mail, SMS and anything new get the link only.
    may_carry_health_information: bool = False
    # The preference field holding this channel's address, and what to say when it is empty
    # while the channel is chosen ("" when the address comes from the account itself).
    address_field: str = ""
    address_missing: str = ""

    # Transports hold no state: two of the same class are the same channel (so registering a
    # fresh instance again, as a second `ready()` does, is a no-op).
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def address(self, recipient: Any, preference: NotificationPreference | None) -> str:
        raise NotImplementedError

    def send(self, notification: Notification) -> str:
        raise NotImplementedError

    def lookup(self, notification: Notification) -> ProviderLookup | None:
        """Ask the provider whether a message went out (None: it cannot be asked). Used only
        after a worker died mid-send."""
        return None
