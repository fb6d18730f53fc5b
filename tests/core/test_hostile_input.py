"""Hostile input never makes the API fail: deeply nested JSON, NUL characters, lists of lists
where a list of strings belongs, dates outside 1900-2200 and huge bodies are each a 400 (413
for size) in the one JSON error shape, and so are 404 and 405 under /api/v1/."""

from __future__ import annotations

import json
from io import BytesIO, StringIO

import pytest
import time_machine
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from recoverypath.accounts.models import User
from recoverypath.core.parsers import RequestTooLarge, SafeJSONParser
from tests.conftest import api_as

TODAY = "2026-03-02 15:00:00+00:00"


def _assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    return error


def _post_raw(api, url: str, body: str | bytes):
    return api.generic("POST", url, body, content_type="application/json")


# --- Each kind of hostile input, once ---------------------------------------------------------


@pytest.mark.parametrize("depth", [40, 200_000])
def test_deeply_nested_json_is_a_400(cast, depth):
    body = "[" * depth + "]" * depth
    response = _post_raw(api_as(cast.client_user), "/api/v1/check-ins/", body)
    error = _assert_error_shape(response, 400)
    assert error["code"] == "parse_error"


def test_a_nul_in_a_text_field_is_a_400_naming_the_field(cast):
    response = api_as(cast.coordinator).post(
        "/api/v1/support-contacts/",
        {"client": cast.client.id, "name": "Sam\x00Evil", "relationship": "Friend"},
        format="json",
    )
    error = _assert_error_shape(response, 400)
    assert "name" in error["fields"]


def test_a_nul_inside_free_json_is_a_400_naming_where(cast):
    response = api_as(cast.clinician).post(
        "/api/v1/assessments/",
        {"client": cast.client.id, "instrument": "PHQ-9", "answers": {"q1": "\x00"}},
        format="json",
    )
    error = _assert_error_shape(response, 400)
    assert error["fields"] == {"answers.q1": ["Text may not contain NUL characters."]}


@pytest.mark.parametrize("url", ["/api/v1/clients/", "/api/v1/alerts/", "/api/v1/audit-events/"])
def test_a_nul_in_the_query_string_is_a_400(cast, url):
    response = api_as(cast.admin).get(url, {"q": "a\x00b", "actor": "\x00"})
    error = _assert_error_shape(response, 400)
    assert set(error["fields"]) <= {"q", "actor"} and error["fields"]


def test_lists_of_lists_where_strings_belong_are_a_400(cast):
    consent = api_as(cast.coordinator).post(
        "/api/v1/consents/", {"client": cast.client.id, "purposes": [["treatment"]]}, format="json"
    )
    assert (
        "purposes.0" in _assert_error_shape(consent, 400)["fields"]
        or "purposes" in (consent.json()["error"]["fields"])
    )
    check_in = api_as(cast.client_user).post(
        "/api/v1/check-ins/",
        {
            "mood": 3,
            "craving": 2,
            "stress": 2,
            "sleep_hours": 7,
            "used": True,
            "substances": [["alcohol"]],
            "triggers": [[["stress"]]],
        },
        format="json",
    )
    _assert_error_shape(check_in, 400)


@pytest.mark.parametrize(
    "value", ["0417-01-01", "1899-12-31", "2201-01-01", "9999-12-31", "0001-01-01"]
)
def test_dates_outside_1900_to_2200_are_a_400_naming_the_field(cast, value):
    response = api_as(cast.coordinator).patch(
        f"/api/v1/clients/{cast.client.id}/", {"sobriety_date": value}, format="json"
    )
    error = _assert_error_shape(response, 400)
    assert error["fields"] == {"sobriety_date": ["Use a date between 1900-01-01 and 2200-12-31."]}


@pytest.mark.parametrize("value", ["0417-03-01T10:00:00Z", "9999-12-31T23:59:59Z"])
def test_date_times_outside_the_range_are_a_400(cast, value):
    response = api_as(cast.clinician).post(
        "/api/v1/sessions/",
        {
            "client": cast.client.id,
            "facilitator": cast.clinician.id,
            "session_type": "individual_counseling",
            "starts_at": value,
        },
        format="json",
    )
    assert "starts_at" in _assert_error_shape(response, 400)["fields"]


def test_numbers_no_column_holds_are_a_400(cast):
    api = api_as(cast.client_user)
    for body in ('{"mood": 1e999}', '{"mood": NaN}', '{"mood": ' + "9" * 30 + "}"):
        _assert_error_shape(_post_raw(api, "/api/v1/check-ins/", body), 400)


def test_a_body_over_the_upload_limit_is_a_413(cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"name": "x" * 20_000})
    response = _post_raw(api_as(cast.coordinator), "/api/v1/support-contacts/", body)
    assert _assert_error_shape(response, 413)["code"] == "too_large"


def test_the_parser_counts_what_it_reads_whatever_the_declared_length(settings):
    """A chunked body (no Content-Length) cannot slip past the limit."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    stream = BytesIO(json.dumps({"name": "x" * 20_000}).encode())
    with pytest.raises(RequestTooLarge):
        SafeJSONParser().parse(stream)


def test_an_unknown_api_path_is_a_404_in_the_error_shape(cast):
    response = api_as(cast.admin).get("/api/v1/no-such-thing/")
    assert _assert_error_shape(response, 404)["code"] == "not_found"
    response = api_as(cast.admin).get("/api/v1/clients/999999/")
    assert _assert_error_shape(response, 404)["code"] == "not_found"


def test_a_wrong_method_is_a_405_in_the_error_shape(cast):
    response = api_as(cast.admin).delete(f"/api/v1/clients/{cast.client.id}/")
    assert _assert_error_shape(response, 405)["code"] == "method_not_allowed"


# --- Every write endpoint, every field, every kind of hostile value -------------------------------

DEEP: list = ["x"]
for _ in range(40):
    DEEP = [DEEP]

HOSTILE = [
    {"deep": DEEP},
    "\x00",
    "a\x00b",
    [["a"], ["b"]],
    [[[]]],
    {"a": {"b": ["c"]}},
    "0417-01-01",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+14:00",
    2**70,
    -(2**63),
    1.5e300,
    "x" * 5000,
]


@pytest.fixture
def demo(db):
    with time_machine.travel(TODAY, tick=False):
        call_command("demo", clients=6, seed=1, stdout=StringIO())
        yield


def _write_endpoints():
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    for path, _regex, method, view in generator._get_paths_and_endpoints():
        if method == "GET":
            continue
        # What the generator sets before it reads an operation (extend_schema(methods=...) asks).
        view.schema.method, view.schema.path = method, path
        serializer = view.schema.get_request_serializer()
        if isinstance(serializer, type):
            serializer = serializer()
        names = (
            [name for name, f in serializer.fields.items() if not f.read_only]
            if isinstance(serializer, serializers.Serializer)
            else []
        )
        yield path, method, names or ["anything"]


def _path_ids(path: str) -> str:
    """Fill path arguments with ids of the demo's first rows (a missing one is a 404: fine)."""
    from django.apps import apps

    models = {
        "clients": "clients.Client",
        "support-contacts": "clients.SupportContact",
        "consents": "consent.Consent",
        "alerts": "alerts.Alert",
        "episodes": "care.EpisodeOfCare",
        "groups": "scheduling.Group",
        "group-enrollments": "scheduling.GroupEnrollment",
        "sessions": "scheduling.Session",
        "clinical-notes": "scheduling.ClinicalNote",
        "lapses": "monitoring.Lapse",
        "aftercare-plans": "aftercare.AftercarePlan",
        "discharge-plans": "discharge.DischargePlan",
        "discharge-items": "discharge.ChecklistItem",
        "referrals": "discharge.Referral",
        "external-providers": "aftercare.ExternalProvider",
        "discharge-summaries": "discharge.DischargeSummary",
        "early-warning-rules": "accounts.Program",
        "reminder-settings": "accounts.Program",
        "escalation-policies": "accounts.Program",
        "auth": "accounts.ApiToken",  # /auth/tokens/{id}/
        "testing-policies": "testing.TestingPolicy",
        "test-selections": "testing.TestSelection",
        "test-collections": "testing.Collection",
        "test-results": "testing.AnalyteResult",
        "client-rewards": "clients.Client",  # /client-rewards/{id}/redemptions/
        "alumni-announcements": "alumni.Announcement",
        "alumni-events": "alumni.Event",
        "alumni-members": "alumni.Member",
        "alumni-mentor-offers": "alumni.MentorOffer",
        "alumni-mentor-matches": "alumni.MentorMatch",
    }
    prefix = path.split("/")[3]
    if "{id}" in path:
        row = apps.get_model(models[prefix]).objects.order_by("id").first()
        path = path.replace("{id}", str(row.pk if row else 1))
    for name, label in (
        ("{check_in_id}", "aftercare.CoordinatorCheckIn"),
        ("{goal_id}", "aftercare.Goal"),
    ):
        if name in path:
            row = apps.get_model(label).objects.order_by("id").first()
            path = path.replace(name, str(row.pk if row else 1))
    return path


def test_no_write_endpoint_fails_on_hostile_values_in_any_field(demo):
    callers = [
        api_as(User.objects.get(email="admin@demo.example.org")),
        api_as(User.objects.get(email="client@demo.example.org")),
    ]
    endpoints = list(_write_endpoints())
    assert len(endpoints) > 40
    failures = []
    with time_machine.travel(TODAY, tick=False):
        for path, method, names in endpoints:
            url = _path_ids(path)
            for name in names:
                for value in HOSTILE:
                    for api in callers:
                        try:
                            response = getattr(api, method.lower())(
                                url, {name: value}, format="json"
                            )
                        except Exception as exc:  # exactly the failure we look for
                            failures.append((method, path, name, repr(value)[:40], repr(exc)[:160]))
                            continue
                        if response.status_code >= 500:
                            failures.append((method, path, name, repr(value)[:40], 500))
                        elif response.status_code >= 400 and "error" not in response.json():
                            failures.append((method, path, name, repr(value)[:40], "shape"))
    assert failures == [], "\n".join(map(str, failures))
