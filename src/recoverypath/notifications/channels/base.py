from __future__ import annotations

from typing import Protocol


class DeliveryError(Exception):
    """The provider refused or could not be reached; the row is kept and retried."""


class Transport(Protocol):
    name: str
    delivers_on_write: bool

    def address(self, recipient, preference) -> str: ...

    def send(self, notification) -> str: ...
