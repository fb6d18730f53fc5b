"""The audit log shows an admin the events of the programs they administer and nothing else:
a program-A admin reads nothing of program B (API or page, with or without `?client=`), and a
client's `changes` only while that client is one they could read now."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from recoverypath.accounts.models import Role
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as
from tests.factories import MembershipFactory, staff

SECRET_A = "changes-of-program-A"
SECRET_B = "changes-of-program-B"
SECRET_OUTSIDER = "changes-of-the-outsider"


def _client_event(actor, client, secret: str) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=client,
        client_id=client.id,
        organization_id=client.organization_id,
        changes={"note": ["", secret]},
    )


@pytest.fixture
def trail(cast):
    """One event with `changes` per client of each program, one log in per program's staff."""
    _client_event(cast.clinician, cast.client, SECRET_A)
    _client_event(cast.other_program_clinician, cast.other_program_client, SECRET_B)
    _client_event(cast.outsider, cast.outsider_client, SECRET_OUTSIDER)
    for user in (cast.clinician, cast.other_program_clinician, cast.outsider):
        audit_record(actor=user, action=Action.LOGIN)
    return cast


def _api_events(user, **params) -> list[dict]:
    response = api_as(user).get("/api/v1/audit-events/", {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _page(user, **params) -> str:
    web = WebClient()
    web.force_login(user)
    response = web.get("/audit/", params)
    assert response.status_code == 200
    return response.content.decode()


def _shown(events: list[dict]) -> tuple[set, set, str]:
    clients = {e["client_id"] for e in events if e["client_id"]}
    logins = {e["actor_email"] for e in events if e["action"] == "login"}
    return clients, logins, repr([e["changes"] for e in events])


def test_a_program_a_admin_sees_program_a_only_in_the_api(trail):
    clients, logins, changes = _shown(_api_events(trail.admin))
    assert clients == {trail.client.id}
    assert logins == {trail.clinician.email}
    assert SECRET_A in changes
    assert SECRET_B not in changes and SECRET_OUTSIDER not in changes


@pytest.mark.parametrize("who", ["other_program_client", "outsider_client"])
def test_asking_for_a_foreign_client_by_id_gives_nothing(trail, who):
    foreign = getattr(trail, who)
    assert _api_events(trail.admin, client=foreign.id) == []
    page = _page(trail.admin, client=foreign.id)
    assert SECRET_B not in page and SECRET_OUTSIDER not in page
    assert "No events match." in page


def test_a_program_b_admin_sees_program_b_only(trail):
    admin_b = staff(trail.other_program, Role.ADMIN, email="admin-b@test.example.org")
    clients, logins, changes = _shown(_api_events(admin_b))
    assert clients == {trail.other_program_client.id}
    assert logins == {trail.other_program_clinician.email}
    assert SECRET_B in changes and SECRET_A not in changes


def test_a_lesser_role_in_program_b_shows_an_admin_of_a_nothing_of_b(trail):
    MembershipFactory(user=trail.admin, program=trail.other_program, role=Role.FRONT_DESK)
    clients, _logins, changes = _shown(_api_events(trail.admin))
    assert clients == {trail.client.id}
    assert SECRET_B not in changes


def test_the_outsider_admin_sees_their_own_organization_only(trail):
    clients, logins, changes = _shown(_api_events(trail.outsider))
    assert clients == {trail.outsider_client.id}
    assert logins == {trail.outsider.email}
    assert SECRET_A not in changes and SECRET_B not in changes


def test_a_client_moved_to_another_program_takes_their_events_out_of_view(trail):
    trail.client.program = trail.other_program
    trail.client.save(update_fields=["program"])
    clients, _logins, changes = _shown(_api_events(trail.admin))
    assert trail.client.id not in clients
    assert SECRET_A not in changes


@pytest.mark.parametrize(
    "who", ["clinician", "coordinator", "front_desk", "other_program_clinician", "client_user"]
)
def test_nobody_but_admins_reads_any_event(trail, who):
    user = getattr(trail, who)
    assert api_as(user).get("/api/v1/audit-events/").status_code == 403
    web = WebClient()
    web.force_login(user)
    assert web.get("/audit/").status_code in (403, 404)


def test_the_page_shows_what_the_api_shows(trail):
    page = _page(trail.admin)
    assert trail.clinician.email in page
    assert trail.other_program_clinician.email not in page
    assert trail.outsider.email not in page
    assert f"<td>{trail.other_program_client.id}</td>" not in page


def test_reading_the_audit_log_is_itself_recorded(trail):
    _api_events(trail.admin, client=trail.client.id)
    [event] = AuditEvent.objects.filter(object_type="core.auditevent")
    assert (event.actor, event.action, event.client_id) == (
        trail.admin,
        Action.LIST,
        trail.client.id,
    )
    assert event.changes == {"filters": {"client": str(trail.client.id)}}
