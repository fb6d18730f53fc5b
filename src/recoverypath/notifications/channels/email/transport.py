"""E-mail through Django's backend (SMTP in production, console in development)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from ..base import DeliveryError


class Transport:
    name = "email"
    delivers_on_write = False

    def address(self, recipient, preference) -> str:
        return recipient.email or ""

    def send(self, notification) -> str:
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

    def lookup(self, notification) -> None:
        # SMTP has no way to ask whether a server accepted a message: a person has to check.
        return None
