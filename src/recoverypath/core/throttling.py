"""DRF throttles that key on the caller's address as core.net sees it (TRUSTED_PROXIES), never on
DRF's own reading of X-Forwarded-For."""

from __future__ import annotations

from rest_framework.throttling import AnonRateThrottle

from .net import client_address
from .ratelimit import namespace


class AddressRateThrottle(AnonRateThrottle):
    """Per caller address, authenticated or not."""

    def get_ident(self, request) -> str:
        return client_address(request) or "unknown"

    def get_cache_key(self, request, view):
        ident = f"{namespace()}:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
