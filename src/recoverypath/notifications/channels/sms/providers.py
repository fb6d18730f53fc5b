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

from ..base import DeliveryError, ProviderLookup

logger = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, *, to: str, body: str, key: str) -> str:
        """Send one message; return the provider's message id; raise DeliveryError."""


class HttpSmsProvider:
    """POST {"to", "body", "from"} as JSON; 2xx with {"id": ...} is success.

    `key` goes out as an Idempotency-Key header so a gateway that honours it never delivers a
    resend after a crash twice.
    """

    def __init__(
        self,
        *,
        url: str,
        token: str,
        sender: str = "",
        timeout: float = 10.0,
        status_url: str = "",
    ):
        # urlopen would also read file:// and ftp:// URLs: a gateway is only ever HTTP(S).
        for setting, value in (("SMS_URL", url), ("SMS_STATUS_URL", status_url)):
            if value and urllib.parse.urlsplit(value).scheme not in ("http", "https"):
                raise ImproperlyConfigured(
                    f"{setting} must be an http:// or https:// URL, not {value!r}."
                )
        self.url = url
        self.token = token
        self.sender = sender
        self.timeout = timeout
        self.status_url = status_url

    def lookup(self, *, key: str) -> ProviderLookup | None:
        """Ask the gateway about the message sent with Idempotency-Key `key`: GET SMS_STATUS_URL
        (with `{key}` replaced); 2xx -> it has it, 404 -> it never got it. None without a status
        URL. Raises DeliveryError when the gateway cannot answer now."""
        if not self.status_url:
            return None
        request = urllib.request.Request(
            self.status_url.replace("{key}", urllib.parse.quote(key, safe="")),
            method="GET",
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )
        try:
            # bandit B310 (urlopen reads file:// too): __init__ allows http(s) URLs only.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 410):
                return ProviderLookup(delivered=False)
            raise DeliveryError(f"SMS gateway status answered HTTP {exc.code}.") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"SMS gateway status unreachable: {exc}") from exc
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = {}
        message_id = ""
        if isinstance(data, dict):
            message_id = str(data.get("id") or data.get("message_id") or data.get("sid") or "")
        return ProviderLookup(delivered=True, message_id=message_id or key)

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
            status_url=getattr(settings, "SMS_STATUS_URL", ""),
        )
    return ConsoleSmsProvider()
