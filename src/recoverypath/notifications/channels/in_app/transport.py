"""In the app: writing the row is the delivery; the person reads it on their notifications page,
after login, so the message may say what it is about."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..base import BaseTransport

if TYPE_CHECKING:
    from ...models import Notification, NotificationPreference


class Transport(BaseTransport):
    name = "in_app"
    delivers_on_write = True
    on_by_default = True
    may_carry_health_information = True

    def address(self, recipient: Any, preference: NotificationPreference | None) -> str:
        return ""

    def send(self, notification: Notification) -> str:
        return ""
