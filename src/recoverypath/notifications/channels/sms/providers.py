"""SMS providers. `HttpSmsProvider` posts JSON to a gateway with a Bearer token (settings.SMS_URL,
SMS_TOKEN, SMS_FROM); `ConsoleSmsProvider` prints, for development."""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ..base import DeliveryError

logger = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, *, to: str, body: str, key: str) -> str:
        """Send one message; return the provider's message id; raise DeliveryError."""


class HttpSmsProvider:
    """POST {"to", "body", "from"} as JSON; 2xx with {"id": ...} is success.

    `key` goes out as an Idempotency-Key header so a gateway that honours it never delivers a
    resend after a crash twice.
    """

    def __init__(self, *, url: str, token: str, sender: str = "", timeout: float = 10.0):
        # urlopen would also read file:// and ftp:// URLs: a gateway is only ever HTTP(S).
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ImproperlyConfigured(f"SMS_URL must be an http:// or https:// URL, not {url!r}.")
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout

    def send(self, *, to: str, body: str, key: str) -> str:
        if not to:
            raise DeliveryError("No phone number to send to.")
        payload = json.dumps({"to": to, "body": body, "from": self.sender}).encode()
        request = urllib.request.Request(
            self.url,
            data=payload,
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Idempotency-Key": key,
            },
        )
        try:
            # bandit B310 (urlopen reads file:// too): __init__ allows http(s) URLs only.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"SMS gateway answered HTTP {exc.code}.") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"SMS gateway unreachable: {exc}") from exc
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = {}
        message_id = ""
        if isinstance(data, dict):
            message_id = str(data.get("id") or data.get("message_id") or data.get("sid") or "")
        return message_id or key


class ConsoleSmsProvider:
    def __init__(self, stream=None):
        self.stream = stream

    def send(self, *, to: str, body: str, key: str) -> str:
        stream = self.stream or sys.stdout
        stream.write(f"SMS to {to}: {body}\n")
        stream.flush()
        return f"console-{uuid.uuid4().hex[:12]}"


def provider_from_settings() -> SmsProvider:
    if settings.SMS_URL:
        return HttpSmsProvider(
            url=settings.SMS_URL,
            token=settings.SMS_TOKEN,
            sender=settings.SMS_FROM,
            timeout=float(getattr(settings, "SMS_TIMEOUT_SECONDS", 10)),
        )
    return ConsoleSmsProvider()
