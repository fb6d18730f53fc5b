"""Abuse limits: fixed-window counters in the shared cache, keyed by caller address or account.

A limit is `(count, seconds)`: at most `count` hits per window of `seconds`. Counters live in the
default cache (Redis in production), so every web process sees the same counts. The address is
`core.net.client_address`, which honours TRUSTED_PROXIES and ignores what a caller writes into
X-Forwarded-For.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


class RateLimited(Exception):
    """Raised by `hit` when a limit is exceeded; `retry_after` is whole seconds."""

    def __init__(self, scope: str, retry_after: int):
        super().__init__(f"Rate limit {scope} exceeded; retry after {retry_after}s.")
        self.scope = scope
        self.retry_after = retry_after


def limit_for(scope: str) -> Limit:
    count, seconds = settings.RATE_LIMITS[scope]
    return Limit(count=int(count), seconds=int(seconds))


def namespace() -> str:
    """A prefix for every counter (tests give each test its own, instead of flushing a cache
    that other test processes share)."""
    return getattr(settings, "RATE_LIMIT_NAMESPACE", "")


def _key(scope: str, subject: str, window: int) -> str:
    # Hash the subject: e-mail addresses do not belong in cache keys (memcached-safe, no PII).
    digest = hashlib.sha256(subject.lower().encode()).hexdigest()[:32]
    return f"rp:rl:{namespace()}:{scope}:{digest}:{window}"


def _window(limit: Limit, now: float) -> tuple[int, int]:
    window = int(now // limit.seconds)
    retry_after = max(1, math.ceil((window + 1) * limit.seconds - now))
    return window, retry_after


def hit(scope: str, subject: str | None) -> None:
    """Count one hit of `scope` for `subject`; raise RateLimited when over the limit.

    A missing subject (no address) is not counted: nothing to key on.
    """
    if not subject:
        return
    limit = limit_for(scope)
    window, retry_after = _window(limit, time.time())
    key = _key(scope, subject, window)
    cache.add(key, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds + 5)
        count = 1
    if count > limit.count:
        raise RateLimited(scope, retry_after)


def check(scope: str, subject: str | None) -> None:
    """Raise RateLimited if `subject` is already over the limit of `scope`, without counting."""
    if not subject:
        return
    limit = limit_for(scope)
    window, retry_after = _window(limit, time.time())
    if (cache.get(_key(scope, subject, window)) or 0) >= limit.count:
        raise RateLimited(scope, retry_after)
