"""The testing API: every role over every endpoint, fixed query counts, pagination, bad input
as field messages in the one error shape."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recoverypath.testing.models import Collection, TestingPolicy, TestSelection
from recoverypath.testing.services import collection_record, draw_run
from tests.conftest import api_as
from tests.factories import ClientFactory

from .conftest import make_policy, standard_panel

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=NY)
ROLES = [
    "anonymous",
    "client",
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "other_program",
    "outsider",
]
WRITERS = {"admin", "clinician", "coordinator"}
READERS = WRITERS | {"client"}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def collection(cast, policy):
    return collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=NOW - timedelta(hours=1),
        specimen_type="urine",
        collector="Cora",
        results=[{"analyte": "cocaine", "value": "300"}],
    )


def _expected_read(role: str) -> int:
    if role == "anonymous":
        return 401
    if role in READERS:
        return 200
    return 403 if role == "front_desk" else 404


def _expected_write(role: str, *, client_in_body: bool = False) -> int:
    if role == "anonymous":
        return 401
    if role in WRITERS:
        return 201
    if role in ("client", "front_desk"):
        return 403
    # Out of reach, an object in the path is a 404; a client id in the body is "Not found."
    # (400), like every id in a request body.
    return 400 if client_in_body else 404


def _policy_body(cast, **extra):
    body = {
        "client": cast.client.id,
        "tests_per_period": 2,
        "period": "week",
        "panel": standard_panel("urine-5").id,
        "specimen_types": ["urine", "breath"],
        "window_days": [0, 1, 2, 3, 4],
        "window_start": "08:00",
        "window_end": "17:00",
        "site": "Program A office",
        "start_date": "2026-11-27",
    }
    body.update(extra)
    return body


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_each_role_only_what_it_may_read(cast, collection, role):
    api = api_as(cast.person(role))
    for url in ("/api/v1/testing-policies/", "/api/v1/test-collections/"):
        response = api.get(url)
        if role == "anonymous":
            assert response.status_code in (401, 403)
            continue
        assert response.status_code == 200, url
        ids = {row["client"] for row in response.json()["results"]}
        assert ids == ({cast.client.id} if role in READERS else set()), (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_reading_one_policy_collection_and_result_by_role(cast, collection, role):
    api = api_as(cast.person(role))
    result = collection.results.get()
    for url in (
        f"/api/v1/testing-policies/{collection.policy_id}/",
        f"/api/v1/test-collections/{collection.id}/",
        f"/api/v1/test-results/{result.id}/",
    ):
        response = api.get(url)
        expected = _expected_read(role)
        if expected == 401:
            assert response.status_code in (401, 403)
        else:
            assert response.status_code == expected, (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_starting_a_policy_by_role(cast, role):
    response = api_as(cast.person(role)).post(
        "/api/v1/testing-policies/", _policy_body(cast), format="json"
    )
    expected = _expected_write(role, client_in_body=True)
    if expected == 401:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected, response.json()
    assert TestingPolicy.objects.exists() == (expected == 201)


@pytest.mark.parametrize("role", ROLES)
def test_recording_a_collection_by_role(cast, policy, role):
    body = {
        "client": cast.client.id,
        "collected_at": (NOW - timedelta(minutes=30)).isoformat(),
        "specimen_type": "breath",
        "collector": "Cora",
        "brac": "0.000",
    }
    response = api_as(cast.person(role)).post("/api/v1/test-collections/", body, format="json")
    expected = _expected_write(role, client_in_body=True)
    if expected == 401:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected
    assert Collection.objects.exists() == (expected == 201)


@pytest.mark.parametrize("role", ROLES)
def test_asking_for_a_for_cause_test_by_role(cast, policy, role):
    body = {"client": cast.client.id, "kind": "for_cause", "reason": "Missed group twice"}
    response = api_as(cast.person(role)).post("/api/v1/test-selections/", body, format="json")
    expected = _expected_write(role, client_in_body=True)
    if expected == 401:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected
    assert TestSelection.objects.exists() == (expected == 201)


@pytest.mark.parametrize("role", ROLES)
def test_adding_a_result_and_sending_it_for_confirmation_by_role(cast, collection, role):
    api = api_as(cast.person(role))
    result = collection.results.get()
    sent = api.post(f"/api/v1/test-results/{result.id}/send-for-confirmation/")
    added = api.post(
        f"/api/v1/test-collections/{collection.id}/results/",
        {"analyte": "cocaine", "stage": "confirmed", "value": "250"},
        format="json",
    )
    expected = _expected_write(role)
    if expected == 401:
        assert sent.status_code in (401, 403) and added.status_code in (401, 403)
        return
    if expected == 201:
        assert sent.status_code == 200 and added.status_code == 201
        assert added.json()["current"] and added.json()["outcome"] == "positive"
    else:
        assert sent.status_code == expected and added.status_code == expected


def test_the_client_reads_their_own_selections_and_so_has_seen_them(cast):
    make_policy(cast.client, tests_per_period=7)
    draw_run(program=cast.program, day=date(2026, 11, 26))
    response = api_as(cast.client_user).get("/api/v1/test-selections/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["kind"] == "random" and row["status"] == "selected"
    assert TestSelection.objects.get().seen_at is not None


def test_the_collection_shows_confirmed_results_and_their_history(cast, collection):
    api = api_as(cast.clinician)
    api.post(
        f"/api/v1/test-collections/{collection.id}/results/",
        {"analyte": "cocaine", "stage": "confirmed", "value": "50"},
        format="json",
    )
    body = api.get(f"/api/v1/test-collections/{collection.id}/").json()
    assert [(r["stage"], r["outcome"]) for r in body["results"]] == [("confirmed", "negative")]
    assert [(r["stage"], r["outcome"]) for r in body["history"]] == [("presumptive", "positive")]


def _error_fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


def test_bad_collections_get_field_messages_in_the_one_error_shape(cast, policy):
    api = api_as(cast.coordinator)
    base = {
        "client": cast.client.id,
        "collected_at": (NOW - timedelta(hours=1)).isoformat(),
        "specimen_type": "urine",
        "collector": "Cora",
    }
    unknown = api.post(
        "/api/v1/test-collections/",
        {**base, "results": [{"analyte": "unicorn", "outcome": "positive"}]},
        format="json",
    )
    assert _error_fields(unknown) == {"results[0].analyte": ["Unknown analyte: unicorn."]}
    negative = api.post(
        "/api/v1/test-collections/",
        {**base, "specimen_type": "breath", "brac": "-0.010"},
        format="json",
    )
    assert _error_fields(negative) == {"brac": ["BrAC cannot be negative."]}
    early = api.post(
        "/api/v1/test-collections/",
        {
            **base,
            "results": [
                {
                    "analyte": "cocaine",
                    "outcome": "negative",
                    "resulted_at": (NOW - timedelta(hours=2)).isoformat(),
                }
            ],
        },
        format="json",
    )
    assert _error_fields(early) == {
        "results[0].resulted_at": ["A result cannot come before the collection."]
    }
    policy.start_date = date(2026, 11, 27)
    policy.save(update_fields=["start_date"])
    outside = api.post("/api/v1/test-collections/", base, format="json")
    assert "outside the policy's dates" in _error_fields(outside)["collected_at"][0]
    assert not Collection.objects.exists()


def test_bad_policies_get_field_messages(cast):
    api = api_as(cast.coordinator)
    response = api.post(
        "/api/v1/testing-policies/",
        _policy_body(cast, tests_per_period=6, window_days=[0, 1], window_end="07:00"),
        format="json",
    )
    fields = _error_fields(response)
    assert fields["tests_per_period"] == ["More tests than days in the collection window."]
    assert fields["window_end"] == ["The window must close after it opens (same day)."]


@pytest.mark.parametrize("raw", ["abc", "0", "99999999999999999999999"])
def test_garbage_client_filters_are_a_400_on_every_testing_list(cast, raw):
    api = api_as(cast.coordinator)
    for url in (
        "/api/v1/testing-policies/",
        "/api/v1/test-selections/",
        "/api/v1/test-collections/",
    ):
        assert api.get(url, {"client": raw}).status_code == 400, url


def test_lists_load_in_a_fixed_number_of_queries(cast, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            client = ClientFactory(program=cast.program)
            make_policy(client, tests_per_period=7)
            selection = TestSelection.objects.create(
                client=client,
                program=cast.program,
                kind="for_cause",
                date=date(2026, 11, 26),
                window_opens_at=NOW - timedelta(hours=4),
                window_closes_at=NOW + timedelta(hours=5),
                site="Office",
                reason="test",
            )
            collection_record(
                actor=cast.coordinator,
                client=client,
                selection=selection,
                collected_at=NOW - timedelta(hours=1),
                specimen_type="urine",
                collector="Cora",
                results=[
                    {"analyte": "cocaine", "value": "0"},
                    {"analyte": "marijuana", "value": "0"},
                ],
            )

    api = api_as(cast.coordinator)
    add(2)
    counts = {}
    for url in (
        "/api/v1/testing-policies/",
        "/api/v1/test-selections/",
        "/api/v1/test-collections/",
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as small:
            assert api.get(url).status_code == 200
        counts[url] = len(small.captured_queries)
    add(5)
    for url, expected in counts.items():
        with django_assert_num_queries(expected):
            response = api.get(url)
        assert response.json()["count"] == 7


def test_lists_are_paginated(cast):
    for _ in range(3):
        make_policy(ClientFactory(program=cast.program))
    body = api_as(cast.coordinator).get("/api/v1/testing-policies/", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


@pytest.mark.parametrize("role", ROLES)
def test_changing_and_ending_a_policy_by_role(cast, policy, role):
    api = api_as(cast.person(role))
    changed = api.patch(
        f"/api/v1/testing-policies/{policy.id}/", {"tests_per_period": 3}, format="json"
    )
    ended = api.post(f"/api/v1/testing-policies/{policy.id}/end/", {}, format="json")
    expected = _expected_write(role)
    if expected == 401:
        assert changed.status_code in (401, 403) and ended.status_code in (401, 403)
    elif expected == 201:
        assert changed.status_code == 200 and changed.json()["tests_per_period"] == 3
        assert ended.status_code == 200 and ended.json()["status"] == "ended"
    elif role == "client":  # reads their own policy, may not change it
        assert changed.status_code == 403 and ended.status_code == 403
    else:
        assert changed.status_code == expected and ended.status_code == expected
    policy.refresh_from_db()
    assert (policy.status == "ended") == (expected == 201)
