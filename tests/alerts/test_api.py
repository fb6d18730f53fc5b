"""/api/v1/alerts/: list with filters, detail, acknowledge, resolve (note), assign."""

from __future__ import annotations

from recoverypath.alerts.models import Alert
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as

FIELDS = {"id", "client", "kind", "severity", "status", "reason", "raised_at", "assignee"}


def test_the_list_gives_each_alert_the_documented_fields(cast, raise_alert):
    alert = raise_alert()
    body = api_as(cast.coordinator).get("/api/v1/alerts/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert set(row) >= FIELDS
    assert (row["id"], row["client"], row["severity"], row["status"]) == (
        alert.id,
        cast.client.id,
        "high",
        "open",
    )


def test_the_list_filters_by_client_status_severity_and_kind(cast, raise_alert):
    a = raise_alert(severity="critical", kind="safety.phq9_item9")
    b = raise_alert(severity="low", kind="monitoring.no_checkin")
    c = raise_alert(client=cast.other_program_client)
    Alert.objects.filter(pk=b.pk).update(status="resolved", resolution_note="ok")
    api = api_as(cast.admin)

    def ids(query):
        return [r["id"] for r in api.get("/api/v1/alerts/" + query).json()["results"]]

    assert ids("?severity=critical") == [a.id]
    assert ids("?kind=monitoring.no_checkin") == [b.id]
    assert ids("?status=resolved") == [b.id]
    assert ids("?status=open") == [a.id]
    assert ids(f"?client={cast.client.id}") == [a.id, b.id]
    assert c.id not in ids("")  # another program's client


def test_bad_filters_are_a_400_in_the_one_error_shape(cast):
    api = api_as(cast.admin)
    for query in ("?status=maybe", "?severity=urgent", "?client=abc"):
        response = api.get("/api/v1/alerts/" + query)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid"


def test_the_list_runs_a_fixed_number_of_queries(cast, raise_alert, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(cast.coordinator)
    raise_alert()
    api.get("/api/v1/alerts/")  # the user's roles are cached on the user after the first call
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/alerts/")
    for _ in range(30):
        raise_alert()
    with django_assert_num_queries(len(one)):
        api.get("/api/v1/alerts/")


def test_acknowledge_then_resolve_with_a_note(cast, raise_alert):
    alert = raise_alert()
    api = api_as(cast.clinician)
    response = api.post(f"/api/v1/alerts/{alert.id}/acknowledge/")
    assert response.json()["status"] == "acknowledged"
    response = api.post(f"/api/v1/alerts/{alert.id}/resolve/", {"note": "Safety plan reviewed."})
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"
    assert response.json()["resolution_note"] == "Safety plan reviewed."


def test_resolve_needs_a_note(cast, raise_alert):
    alert = raise_alert()
    response = api_as(cast.clinician).post(f"/api/v1/alerts/{alert.id}/resolve/", {})
    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    response = api_as(cast.clinician).post(f"/api/v1/alerts/{alert.id}/resolve/", {"note": " "})
    assert response.status_code == 400


def test_acknowledging_twice_is_a_conflict(cast, raise_alert):
    alert = raise_alert()
    api = api_as(cast.clinician)
    api.post(f"/api/v1/alerts/{alert.id}/acknowledge/")
    response = api.post(f"/api/v1/alerts/{alert.id}/acknowledge/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_assign_to_a_colleague_and_refuse_a_stranger(cast, raise_alert):
    alert = raise_alert()
    api = api_as(cast.coordinator)
    response = api.post(f"/api/v1/alerts/{alert.id}/assign/", {"assignee": cast.clinician.id})
    assert response.json()["assignee"] == cast.clinician.id
    for stranger in (cast.outsider.id, cast.front_desk.id, 999_999):
        response = api.post(f"/api/v1/alerts/{alert.id}/assign/", {"assignee": stranger})
        assert response.status_code == 400
        assert "assignee" in response.json()["error"]["fields"]


def test_reads_are_audited(cast, raise_alert):
    alert = raise_alert()
    api = api_as(cast.coordinator)
    api.get("/api/v1/alerts/")
    api.get(f"/api/v1/alerts/{alert.id}/")
    actions = set(
        AuditEvent.objects.filter(object_type="alerts.alert", actor=cast.coordinator).values_list(
            "action", flat=True
        )
    )
    assert actions == {"list", "read"}
