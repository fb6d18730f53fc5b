from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class DeliveryError(Exception):
    """The provider refused or could not be reached; the row is kept and retried."""


@dataclass(frozen=True)
class ProviderLookup:
    """What a provider says about a message we may or may not have sent (by our message id)."""

    delivered: bool
    message_id: str = ""


class Transport(Protocol):
    name: str
    delivers_on_write: bool

    def address(self, recipient, preference) -> str: ...

    def send(self, notification) -> str: ...

    # Optional: `lookup(notification) -> ProviderLookup | None` asks the provider whether a message
    # went out (None: the provider cannot be asked). Used only after a worker died mid-send.
