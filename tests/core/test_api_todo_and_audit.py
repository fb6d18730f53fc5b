"""The to-do and audit-log APIs: staff's own to-do list; the audit trail for admins only,
scoped to their organization and read only."""

from __future__ import annotations

import pytest

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as

ROLES = [
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "other_program_clinician",
    "outsider",
    "client_user",
]


@pytest.mark.parametrize("who", ROLES)
def test_the_todo_list_is_for_staff(cast, who):
    response = api_as(getattr(cast, who)).get("/api/v1/todo/")
    if who == "client_user":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert set(response.json()) == {"count", "next", "previous", "results"}


def test_anonymous_callers_get_401_on_todo_and_audit(db):
    assert api_as(None).get("/api/v1/todo/").status_code == 401
    assert api_as(None).get("/api/v1/audit-events/").status_code == 401


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("clinician", 403),
        ("coordinator", 403),
        ("front_desk", 403),
        ("other_program_clinician", 403),
        ("outsider", 200),
        ("client_user", 403),
    ],
)
def test_only_admins_browse_the_audit_log(cast, who, status):
    assert api_as(getattr(cast, who)).get("/api/v1/audit-events/").status_code == status


def test_admins_see_their_organizations_events_only(cast):
    audit_record(
        actor=cast.clinician,
        action=Action.READ,
        obj=cast.client,
        client_id=cast.client.id,
        organization_id=cast.client.organization_id,
    )
    audit_record(
        actor=cast.outsider,
        action=Action.READ,
        obj=cast.outsider_client,
        client_id=cast.outsider_client.id,
        organization_id=cast.outsider_client.organization_id,
    )
    mine = api_as(cast.admin).get("/api/v1/audit-events/", {"action": "read"}).json()
    assert {e["client_id"] for e in mine["results"]} == {cast.client.id}
    theirs = api_as(cast.outsider).get("/api/v1/audit-events/", {"action": "read"}).json()
    assert {e["client_id"] for e in theirs["results"]} == {cast.outsider_client.id}


def test_audit_filters_are_validated(cast):
    response = api_as(cast.admin).get("/api/v1/audit-events/", {"since": "not-a-date"})
    assert response.status_code == 400
    assert "since" in response.json()["error"]["fields"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_audit_api_cannot_change_anything(cast, method):
    audit_record(
        actor=cast.clinician,
        action=Action.READ,
        obj=cast.client,
        client_id=cast.client.id,
        organization_id=cast.client.organization_id,
    )
    event = AuditEvent.objects.first()
    api = api_as(cast.admin)
    assert getattr(api, method)("/api/v1/audit-events/", {}, format="json").status_code == 405
    assert getattr(api, method)(
        f"/api/v1/audit-events/{event.id}/", {}, format="json"
    ).status_code in (404, 405)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_audit_list_runs_a_fixed_number_of_queries(cast, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(cast.admin)
    api.get("/api/v1/audit-events/")  # caches the caller's roles, as every later call finds them
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/audit-events/")
    for _ in range(40):
        audit_record(
            actor=cast.clinician,
            action=Action.READ,
            obj=cast.client,
            client_id=cast.client.id,
            organization_id=cast.client.organization_id,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        api.get("/api/v1/audit-events/")
