"""Every API detail route answers a non-numeric or huge id with a 404 in the one error shape."""

from __future__ import annotations

import pytest

from recoverypath import api as api_root
from tests.conftest import api_as


def _detail_routes() -> list[str]:
    """URL prefixes (e.g. "api/v1/alerts/") of every API route that takes an object id."""
    routes: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            regex = str(entry.pattern).lstrip("^")
            if hasattr(entry, "url_patterns"):
                walk(entry.url_patterns, prefix + regex)
            elif "(?P<pk>" in regex:
                routes.add(prefix + regex.split("(?P<pk>")[0])

    walk(api_root.urlpatterns, "api/v1/")
    return sorted(routes)


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "99999999999999999999999"])
def test_a_bad_id_is_a_404_on_every_detail_route(cast, bad_id):
    api = api_as(cast.admin)
    routes = _detail_routes()
    assert len(routes) >= 10
    failures = []
    for route in routes:
        response = api.get(f"/{route}{bad_id}/")
        if response.status_code != 404 or response.json()["error"]["code"] != "not_found":
            failures.append((route, response.status_code))
    assert failures == []
