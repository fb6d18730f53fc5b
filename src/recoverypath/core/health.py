"""Probes for a load balancer or orchestrator: `/healthz` (the process answers) and `/readyz` (the
database and the task queue answer, with how long each took).

HealthProbeMiddleware answers both before any other middleware runs, so a probe over plain HTTP is
not redirected to HTTPS and a probe addressed to the machine's own IP is not refused by the
ALLOWED_HOSTS check; neither response names a person, a host or a password.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from .errors import RETRY_AFTER_SECONDS

Check = Callable[[], None]


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _queue() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.storage.queue_size()  # Redis: LLEN; SQLite: a COUNT on the queue file


CHECKS: dict[str, Check] = {"database": _database, "queue": _queue}


def _run(check: Check) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # a probe reports any failure rather than raising it
        result: dict[str, Any] = {"ok": False, "error": type(error).__name__}
    else:
        result = {"ok": True}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def healthz(request: HttpRequest) -> HttpResponse:
    """200 while the process can answer at all; touches neither the database nor the queue."""
    return _no_store(JsonResponse({"status": "ok"}))


def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every dependency answered, else 503 with Retry-After; the body lists each check:
    {"status": "ok"|"unavailable", "checks": {"database": {"ok": true, "ms": 1.3}, ...}}."""
    results = {name: _run(check) for name, check in CHECKS.items()}
    ready = all(result["ok"] for result in results.values())
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _no_store(response)


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class HealthProbeMiddleware:
    """Answers GET/HEAD /healthz and /readyz first of all middleware (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
