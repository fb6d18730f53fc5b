"""Every write endpoint of care and scheduling (and the one read the read matrix missed) over the
whole cast. Each role's attempt runs in a savepoint that is rolled back, so every role meets the
same world."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse

from recoverypath.scheduling import services
from recoverypath.scheduling.models import GroupEnrollment, Session
from tests.conftest import api_as

from .conftest import make_clients, past_session

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "client_user",
    "other_program_clinician",
    "outsider",
    "anonymous",
]
NOT_VISIBLE = {"client_user": 404, "other_program_clinician": 404, "outsider": 404}


@pytest.fixture
def world(cast, iop, group_factory):
    group = group_factory()
    services.group_enroll(
        actor=cast.front_desk, group=group, client=cast.client, on_date=date(2026, 1, 5)
    )
    session = past_session(cast, group)
    draft = services.note_create(
        actor=cast.clinician, session=session, client=cast.client, data="d", assessment="a"
    )
    services.note_update(actor=cast.clinician, note=draft, plan="p")
    # 14:00 in the program's zone, three days on: never inside the group's 09:00-12:00 sessions,
    # whatever weekday the suite runs on (the booking below is a day later, same hour).
    later = datetime.combine(
        (datetime.now(tz=UTC) + timedelta(days=3)).date(),
        time(14, 0),
        tzinfo=ZoneInfo(cast.program.time_zone),
    )
    future = Session.objects.create(
        program=cast.program,
        client=cast.client,
        session_type="individual_counseling",
        facilitator=cast.clinician,
        starts_at=later,
        ends_at=later + timedelta(minutes=50),
    )
    return {
        "group": group,
        "session": session,
        "future": future,
        "note": draft,
        "episode": iop,
        "enrollment": GroupEnrollment.objects.get(group=group, client=cast.client),
    }


def _outcomes(cast, call) -> dict[str, int]:
    """{role: status} for `call(api)` made by every role, each in a rolled-back savepoint."""
    seen = {}
    for role in ROLES:
        api = api_as(None if role == "anonymous" else getattr(cast, role))
        with transaction.atomic():
            seen[role] = call(api).status_code
            transaction.set_rollback(True)
    return seen


def _expect(anonymous_ok=(401, 403), **statuses: int) -> dict[str, int]:
    return {**statuses, "anonymous": anonymous_ok}


def _check(seen: dict[str, int], expected: dict[str, int]) -> None:
    wrong = {
        role: status
        for role, status in seen.items()
        if not (
            status in expected[role]
            if isinstance(expected[role], tuple)
            else status == expected[role]
        )
    }
    assert wrong == {}


def test_only_clinicians_and_admins_step_an_episode_through_the_api(cast, world):
    url = f"/api/v1/episodes/{world['episode'].id}/transition/"
    seen = _outcomes(cast, lambda api: api.post(url, {"level_code": "2.5", "reason": "More care"}))
    _check(
        seen,
        _expect(
            admin=201,
            clinician=201,
            coordinator=403,
            front_desk=403,
            client_user=403,  # sees their own episode, cannot change it
            other_program_clinician=404,
            outsider=404,
        ),
    )


def test_only_clinicians_and_admins_finish_an_episode_through_the_api(cast, world):
    url = f"/api/v1/episodes/{world['episode'].id}/finish/"
    seen = _outcomes(cast, lambda api: api.post(url, {"end_reason": "Completed"}))
    _check(
        seen,
        _expect(
            admin=200,
            clinician=200,
            coordinator=403,
            front_desk=403,
            client_user=403,
            other_program_clinician=404,
            outsider=404,
        ),
    )


def test_any_staff_role_of_the_program_reads_and_ends_a_group_enrollment(cast, world):
    url = f"/api/v1/group-enrollments/{world['enrollment'].id}/"
    staff = {"admin": 200, "clinician": 200, "coordinator": 200, "front_desk": 200}
    _check(_outcomes(cast, lambda api: api.get(url)), _expect(**staff, **NOT_VISIBLE))
    _check(_outcomes(cast, lambda api: api.post(url + "end/")), _expect(**staff, **NOT_VISIBLE))


def test_any_staff_role_of_the_program_enrolls_into_a_group(cast, world):
    newcomer = make_clients(cast, 1)[0]
    url = f"/api/v1/groups/{world['group'].id}/enrollments/"
    seen = _outcomes(cast, lambda api: api.post(url, {"client": newcomer.id}))
    staff = {"admin": 201, "clinician": 201, "coordinator": 201, "front_desk": 201}
    _check(seen, _expect(**staff, **NOT_VISIBLE))


def test_only_clinicians_and_admins_create_or_change_groups(cast, world, room):
    group = world["group"]
    body = {
        "program": cast.program.id,
        "name": "Evening skills group",
        "session_type": "group_therapy",
        "facilitator": cast.clinician.id,
        "room": room.id,
        "capacity": 10,
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "start_date": "2026-01-06",
        "start_time": "18:00",
        "duration_minutes": 120,
    }
    created = _outcomes(cast, lambda api: api.post("/api/v1/groups/", body, format="json"))
    _check(
        created,
        _expect(
            admin=201,
            clinician=201,
            coordinator=403,
            front_desk=403,
            # people outside the program cannot even name it
            client_user=400,
            other_program_clinician=400,
            outsider=400,
        ),
    )
    url = f"/api/v1/groups/{group.id}/"
    changed = _outcomes(cast, lambda api: api.patch(url, {"capacity": 14}, format="json"))
    _check(
        changed,
        _expect(admin=200, clinician=200, coordinator=403, front_desk=403, **NOT_VISIBLE),
    )


def test_any_staff_role_of_the_program_books_moves_and_cancels_sessions(cast, world):
    # 03:00 UTC (evening in the program's zone): clear of the group's morning sessions whatever
    # the time of day the suite runs at.
    start = (
        (world["future"].starts_at + timedelta(days=1))
        .replace(hour=3, minute=0, second=0, microsecond=0)
        .isoformat()
    )
    booking = {
        "client": cast.client.id,
        "facilitator": cast.clinician.id,
        "session_type": "individual_counseling",
        "starts_at": start,
    }
    staff = {"admin": 201, "clinician": 201, "coordinator": 201, "front_desk": 201}
    booked = _outcomes(cast, lambda api: api.post("/api/v1/sessions/", booking, format="json"))
    _check(
        booked,
        _expect(
            **staff,
            client_user=403,  # may name themselves, may not book (test_who_may_book)
            other_program_clinician=400,  # cannot even name the client
            outsider=400,
        ),
    )

    url = f"/api/v1/sessions/{world['future'].id}/"
    staff = {"admin": 200, "clinician": 200, "coordinator": 200, "front_desk": 200}
    moved = _outcomes(cast, lambda api: api.post(url + "move/", {"starts_at": start}))
    _check(moved, _expect(**staff, **NOT_VISIBLE))
    cancelled = _outcomes(cast, lambda api: api.post(url + "cancel/", {"reason": "Unwell"}))
    _check(cancelled, _expect(**staff, **NOT_VISIBLE))


def test_the_facilitator_clinicians_and_admins_take_attendance_through_the_api(cast, world):
    url = f"/api/v1/sessions/{world['session'].id}/attendance/"
    rows = {"rows": [{"client_id": cast.client.id, "status": "present"}]}
    seen = _outcomes(cast, lambda api: api.put(url, rows, format="json"))
    _check(
        seen,
        _expect(admin=200, clinician=200, coordinator=403, front_desk=403, **NOT_VISIBLE),
    )


def test_only_the_author_edits_and_signs_a_note_and_clinicians_add_addenda(cast, world):
    note = world["note"]
    url = f"/api/v1/clinical-notes/{note.id}/"
    hidden = {"coordinator": 404, "front_desk": 404, **NOT_VISIBLE}  # notes stay clinical
    edited = _outcomes(cast, lambda api: api.patch(url, {"plan": "Next week"}, format="json"))
    _check(edited, _expect(admin=403, clinician=200, **hidden))
    signed = _outcomes(cast, lambda api: api.post(url + "sign/"))
    _check(signed, _expect(admin=403, clinician=200, **hidden))

    services.note_sign(actor=cast.clinician, note=note)
    added = _outcomes(cast, lambda api: api.post(url + "addenda/", {"text": "Called back"}))
    _check(added, _expect(admin=201, clinician=201, **hidden))


def test_only_program_admins_add_holidays_through_the_api(cast, world):
    body = {"program": cast.program.id, "date": "2026-12-24", "name": "Winter closure"}
    seen = _outcomes(cast, lambda api: api.post("/api/v1/holidays/", body))
    _check(
        seen,
        _expect(
            admin=201,
            clinician=403,
            coordinator=403,
            front_desk=403,
            client_user=400,
            other_program_clinician=400,
            outsider=400,
        ),
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_what_it_may_when_ending_an_enrollment_on_the_page(
    client, cast, world, role
):
    user = None if role == "anonymous" else getattr(cast, role)
    if user is not None:
        client.force_login(user)
    response = client.post(reverse("scheduling:enrollment_end", args=[world["enrollment"].id]))
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif role in ("admin", "clinician", "coordinator", "front_desk"):
        assert response.status_code == 302
        assert response["Location"] == reverse("scheduling:group", args=[world["group"].id])
        world["enrollment"].refresh_from_db()
        assert world["enrollment"].status == GroupEnrollment.Status.ENDED
    else:
        assert response.status_code == 404


def test_the_api_session_list_names_everyone_whose_attendance_was_taken_in_fixed_queries(
    cast, world, django_assert_num_queries
):
    """Someone no longer on a group's roster still shows on the sessions they attended, with no
    query per session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from recoverypath.scheduling.models import Attendance
    from tests.factories import ClientFactory

    group, api = world["group"], api_as(cast.clinician)
    since = world["session"].starts_at - timedelta(days=7)
    params = {"from": since.isoformat(), "to": (since + timedelta(days=7, hours=1)).isoformat()}
    former = ClientFactory(program=cast.program)
    Attendance.objects.create(session=world["session"], client=former, status="present")
    with CaptureQueriesContext(connection) as one:
        first = api.get("/api/v1/sessions/", params).json()["results"]
    rosters = {s["id"]: s["roster"] for s in first}
    assert rosters[world["session"].id] == [cast.client.id, former.id]

    ids = {world["session"].id}
    for days_ago in (2, 3):
        earlier = past_session(cast, group, days_ago=days_ago)
        Attendance.objects.create(session=earlier, client=former, status="present")
        ids.add(earlier.id)
    with django_assert_num_queries(len(one.captured_queries)):
        three = api.get("/api/v1/sessions/", params).json()["results"]
    assert all(former.id in s["roster"] for s in three if s["id"] in ids)
    assert ids <= {s["id"] for s in three}
