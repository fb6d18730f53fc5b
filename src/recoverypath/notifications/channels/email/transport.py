"""E-mail through Django's backend (SMTP in production, console in development). E-mail leaves
the building: it carries the link only, never health information."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from ..base import BaseTransport, DeliveryError

if TYPE_CHECKING:
    from ...models import Notification, NotificationPreference


class Transport(BaseTransport):
    name = "email"
    on_by_default = True

    def address(self, recipient: Any, preference: NotificationPreference | None) -> str:
        return recipient.email or ""

    def send(self, notification: Notification) -> str:
        # A stable Message-ID lets a receiving server drop the copy if a crash makes us resend.
        message_id = f"<notification-{notification.id}@recoverypath>"
        message = EmailMessage(
            subject=notification.subject or "RecoveryPath",
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.address],
            headers={"Message-ID": message_id},
        )
        try:
            sent = get_connection(fail_silently=False, timeout=30).send_messages([message])
        except Exception as exc:  # any backend failure: the SMTP server, DNS, a timeout
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        if not sent:
            raise DeliveryError("The e-mail backend accepted no message.")
        return message_id

    # lookup: the default None. SMTP has no way to ask whether a server accepted a message: a
    # person has to check.
