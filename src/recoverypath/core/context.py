"""The current request's actor address, for the audit trail written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    path: str = ""


_NO_REQUEST = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("recoverypath_request", default=None)


def current() -> RequestContext:
    return _current.get() or _NO_REQUEST


def bind(ctx: RequestContext):
    return _current.set(ctx)


def unbind(token) -> None:
    _current.reset(token)
