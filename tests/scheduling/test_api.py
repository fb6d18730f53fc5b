from __future__ import annotations

from datetime import date

import pytest
import time_machine

from recoverypath.scheduling import services
from recoverypath.scheduling.models import ClinicalNote
from tests.conftest import api_as

from .conftest import make_clients, past_session

pytestmark = pytest.mark.django_db
WHO = [
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "client_user",
    "other_program_clinician",
    "outsider",
]


@pytest.fixture
def world(cast, iop, group_factory):
    group = group_factory()
    services.group_enroll(
        actor=cast.front_desk, group=group, client=cast.client, on_date=date(2026, 1, 5)
    )
    session = past_session(cast, group)
    return {"group": group, "session": session}


def _booking(cast, starts_at="2026-12-15T14:00:00-05:00", **extra):
    return {
        "client": cast.client.id,
        "facilitator": cast.clinician.id,
        "session_type": "individual_counseling",
        "starts_at": starts_at,
        "duration_minutes": 50,
        **extra,
    }


def test_booking_through_the_api_and_a_double_booking_is_a_400_with_the_reason(cast, world):
    api = api_as(cast.front_desk)
    first = api.post("/api/v1/sessions/", _booking(cast), format="json")
    assert first.status_code == 201, first.json()
    again = api.post(
        "/api/v1/sessions/", _booking(cast, "2026-12-15T14:30:00-05:00"), format="json"
    )
    assert again.status_code == 400
    error = again.json()["error"]
    assert error["fields"]["facilitator"] == [
        "Cleo Fictional is already booked then: Individual counseling, Tue 15 Dec 14:00-14:50."
    ]
    assert "Juniper Quillfeather already has" in error["fields"]["client"][0]


def test_attendance_for_a_whole_group_through_the_api(cast, world):
    others = make_clients(cast, 2)
    for c in others:
        services.group_enroll(
            actor=cast.front_desk, group=world["group"], client=c, on_date=date(2026, 1, 5)
        )
    rows = [
        {"client_id": cast.client.id, "status": "present"},
        {"client_id": others[0].id, "status": "late", "minutes_attended": 120},
        {"client_id": others[1].id, "status": "unexcused"},
    ]
    url = f"/api/v1/sessions/{world['session'].id}/attendance/"
    response = api_as(cast.clinician).put(url, {"rows": rows}, format="json")
    assert response.status_code == 200, response.json()
    assert api_as(cast.admin).get(url).json()["count"] == 3
    assert api_as(cast.front_desk).put(url, {"rows": rows}, format="json").status_code == 403


def test_notes_through_the_api_are_locked_once_signed(cast, world):
    api = api_as(cast.clinician)
    created = api.post(
        "/api/v1/clinical-notes/",
        {
            "session": world["session"].id,
            "client": cast.client.id,
            "data": "d",
            "assessment": "a",
            "plan": "p",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    note_id = created.json()["id"]
    assert api.post(f"/api/v1/clinical-notes/{note_id}/sign/").json()["status"] == "signed"
    edit = api.patch(f"/api/v1/clinical-notes/{note_id}/", {"plan": "new"}, format="json")
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "locked"
    addendum = api.post(f"/api/v1/clinical-notes/{note_id}/addenda/", {"text": "Later: called."})
    assert addendum.status_code == 201
    body = api.get(f"/api/v1/clinical-notes/{note_id}/").json()
    assert body["plan"] == "p" and [a["text"] for a in body["addenda"]] == ["Later: called."]


@pytest.mark.parametrize("who", WHO)
def test_who_sees_sessions_groups_notes_and_summaries(cast, world, who):
    ClinicalNote.objects.create(session=world["session"], client=cast.client, author=cast.clinician)
    api = api_as(getattr(cast, who))
    params = {"from": "2020-01-01T00:00:00Z", "to": "2030-01-01T00:00:00Z"}
    sessions = api.get("/api/v1/sessions/", params).json()["count"]
    groups = api.get("/api/v1/groups/")
    notes = api.get("/api/v1/clinical-notes/").json()["count"]
    summary = api.get(f"/api/v1/attendance-summary/{cast.client.id}/").status_code
    session_detail = api.get(f"/api/v1/sessions/{world['session'].id}/").status_code
    expected = {
        "admin": (True, 200, 1, 200, 200),
        "clinician": (True, 200, 1, 200, 200),
        "coordinator": (True, 200, 0, 200, 200),
        "front_desk": (True, 200, 0, 200, 200),
        "client_user": (True, 0, 0, 200, 200),  # their own group's sessions, no notes
        "other_program_clinician": (False, 0, 0, 404, 404),
        "outsider": (False, 0, 0, 404, 404),
    }[who]
    assert (
        sessions > 0,
        groups.json()["count"] if who == "client_user" or not expected[0] else groups.status_code,
        notes,
        summary,
        session_detail,
    ) == expected


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 201), ("front_desk", 201), ("client_user", 403), ("outsider", 400)],
)
def test_who_may_book(cast, world, who, status):
    with time_machine.travel("2026-12-01 12:00:00Z", tick=False):
        response = api_as(getattr(cast, who)).post(
            "/api/v1/sessions/", _booking(cast), format="json"
        )
    assert response.status_code == status


def test_group_enrollment_and_waitlist_through_the_api(cast, world):
    api = api_as(cast.front_desk)
    group = world["group"]
    group.capacity = 1
    group.save()
    other = make_clients(cast, 1)[0]
    response = api.post(f"/api/v1/groups/{group.id}/enrollments/", {"client": other.id})
    assert response.status_code == 201 and response.json()["status"] == "waitlisted"
    first = api.get(f"/api/v1/groups/{group.id}/enrollments/").json()["results"][0]
    assert api.post(f"/api/v1/group-enrollments/{first['id']}/end/").status_code == 200
    roster = api.get(f"/api/v1/groups/{group.id}/enrollments/").json()["results"]
    assert [(e["client"], e["status"]) for e in roster] == [(other.id, "active")]


def test_move_and_cancel_through_the_api(cast, world):
    api = api_as(cast.front_desk)
    booked = api.post("/api/v1/sessions/", _booking(cast), format="json").json()
    moved = api.post(
        f"/api/v1/sessions/{booked['id']}/move/",
        {"starts_at": "2026-12-16T15:00:00-05:00"},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["moved"] is True
    assert api.post(f"/api/v1/sessions/{booked['id']}/cancel/", {}).status_code == 400
    cancelled = api.post(f"/api/v1/sessions/{booked['id']}/cancel/", {"reason": "Client ill"})
    assert cancelled.json()["status"] == "cancelled"


def test_a_naive_time_filter_is_a_400(cast, world):
    response = api_as(cast.admin).get("/api/v1/sessions/", {"from": "2026-01-01T00:00:00"})
    assert response.status_code == 400


@pytest.mark.parametrize(("who", "status"), [("admin", 201), ("clinician", 403), ("outsider", 400)])
def test_only_admins_add_holidays_through_the_api(cast, who, status):
    response = api_as(getattr(cast, who)).post(
        "/api/v1/holidays/", {"program": cast.program.id, "date": "2026-12-25", "name": "Closed"}
    )
    assert response.status_code == status


def test_rooms_are_listed_for_the_callers_programs_only(cast, room):
    assert api_as(cast.front_desk).get("/api/v1/rooms/").json()["count"] == 1
    assert api_as(cast.outsider).get("/api/v1/rooms/").json()["count"] == 0
