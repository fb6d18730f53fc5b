"""The abuse limits of the sign-in endpoints, shared by the web forms and the API."""

from __future__ import annotations

from recoverypath.core import ratelimit
from recoverypath.core.net import client_address


def login_attempt(request, *, email: str) -> None:
    """Count one password attempt (web form or token endpoint); raise RateLimited when the
    address is spraying, or the address or the account is over its limit."""
    address = client_address(request)
    ratelimit.check("login_failures_address", address)
    ratelimit.hit("login_address", address)
    ratelimit.hit("login_account", email.strip().lower())


def two_factor_attempt(*, user_id: int) -> None:
    ratelimit.hit("two_factor_account", str(user_id))


def password_reset_attempt(request, *, email: str) -> None:
    ratelimit.hit("password_reset_address", client_address(request))
    ratelimit.hit("password_reset_account", email.strip().lower())
