"""Every API list route, asked with garbage filters, answers without a server error."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver

from recoverypath import api as api_root
from tests.conftest import api_as

HUGE = "99999999999999999999999"
# Sent one set at a time, so a 400 for one bad value cannot hide a crash on another.
ID_NAMES = (
    "client",
    "program",
    "clinician",
    "assignee",
    "provider",
    "episode",
    "group",
    "session",
    "plan",
)
GARBAGE_SETS = [
    *({name: HUGE} for name in ID_NAMES),
    {
        "status": "not-a-status",
        "severity": "purple",
        "kind": "x" * 300,
        "instrument": "NOPE",
        "sort": "nonsense",
        "risk": "?",
        "mine": "maybe",
    },
    {
        "date": "2026-13-45",
        "since": "yesterday",
        "until": "0000-00-00",
        "start": "soon",
        "end": "later",
    },
    {"q": "q" * 5000, "page": "zz", "page_size": "-5"},
]


def _list_routes() -> list[str]:
    """Every API route that takes no argument in its path (lists and singletons)."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern).lstrip("^").rstrip("$")
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                full = prefix + route
                if "(?P<" in full or "<" in full or "\\." in full or full.endswith("schema/"):
                    continue
                found.append(full)

    walk(api_root.urlpatterns, "api/v1/")
    return sorted(set(found))


# Staff with every right, staff with fewer, and a client: the three paths list views take.
@pytest.mark.parametrize("who", ["admin", "coordinator", "client_user"])
def test_no_api_list_errors_on_garbage_filters(cast, who):
    api = api_as(getattr(cast, who))
    routes = _list_routes()
    assert len(routes) > 15
    failures = []
    for route in routes:
        for garbage in GARBAGE_SETS:
            try:
                response = api.get(f"/{route}", garbage)
            except Exception as exc:  # an exception here is exactly the failure we look for
                failures.append((route, sorted(garbage)[0], repr(exc)[:160]))
                continue
            if response.status_code >= 500:
                failures.append((route, sorted(garbage)[0], response.status_code))
    assert failures == []


def test_huge_ids_in_request_bodies_are_a_400_naming_the_field(cast):
    from recoverypath.alerts.services import alert_raise

    alert = alert_raise(
        client=cast.client,
        kind="test.kind",
        severity="low",
        reason="Testing.",
        dedup_key="test:huge-ids",
    )
    api = api_as(cast.admin)
    cases = [
        (f"/api/v1/alerts/{alert.id}/assign/", {"assignee": int(HUGE)}, "assignee"),
        (
            "/api/v1/assessments/",
            {"client": int(HUGE), "instrument": "PHQ-9", "answers": [0] * 9},
            "client",
        ),
        ("/api/v1/notifications/read/", {"ids": [int(HUGE)]}, "ids"),
    ]
    for url, body, field in cases:
        response = api.post(url, body, format="json")
        assert response.status_code == 400, (url, response.status_code)
        assert any(name.startswith(field) for name in response.json()["error"]["fields"]), url
