"""Every HTML page, asked with garbage in its query string, answers without a server error.

Walks every URL pattern of the site (not the API, not the Django admin) whose arguments can be
filled from the cast: no arguments, or a client id. Garbage: non-numeric ids, unknown choices,
huge numbers, a very long search, a bad page number.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

GARBAGE = {
    "program": "abc",
    "client": "99999999999999999999999",
    "clinician": "-1",
    "page": "zz",
    "status": "not-a-status",
    "kind": "x" * 300,
    "severity": "purple",
    "q": "q" * 5000,
    "sort": "nonsense",
    "date": "2026-13-45",
    "week": "bogus",
    "instrument": "NOPE",
    "since": "yesterday",
    "until": "0000-00-00",
    "risk": "?",
    "band": "\x00",
}


def _pages() -> list[tuple[str, tuple[str, ...]]]:
    found: list[tuple[str, tuple[str, ...]]] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if route.startswith(("api/", "admin/", "__debug__/")):
                    continue
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                args = (
                    tuple(entry.pattern.converters) if hasattr(entry.pattern, "converters") else ()
                )
                debug_only = route.startswith("__debug__/")  # fails on purpose when DEBUG is on
                if set(args) <= {"client_id"} and "<path:" not in route and not debug_only:
                    found.append((prefix + route, args))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.mark.parametrize("who", ["admin", "clinician", "coordinator", "front_desk", "client_user"])
def test_no_page_errors_on_garbage_query_strings(client, cast, who):
    client.force_login(getattr(cast, who))
    pages = _pages()
    assert len(pages) > 20
    failures = []
    for route, _args in pages:
        url = "/" + route.replace("<int:client_id>", str(cast.client.id))
        try:
            response = client.get(url, GARBAGE)
        except Exception as exc:  # an exception here is exactly the failure we look for
            failures.append((url, repr(exc)[:200]))
            continue
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert failures == []
