"""In the app: writing the row is the delivery; the person reads it on their notifications page."""

from __future__ import annotations


class Transport:
    name = "in_app"
    delivers_on_write = True

    def address(self, recipient, preference) -> str:
        return ""

    def send(self, notification) -> str:
        return ""
