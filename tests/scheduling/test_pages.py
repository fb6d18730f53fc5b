"""Every page over the whole cast, and the day view's fixed query count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from recoverypath.scheduling import services
from recoverypath.scheduling.models import Session

from .conftest import make_clients, past_session

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "client",
    "other_program",
    "outsider",
    "anonymous",
]


def _user(cast, role):
    return {
        "client": cast.client_user,
        "other_program": cast.other_program_clinician,
        "outsider": cast.outsider,
        "anonymous": None,
        **cast.staff_users(),
    }[role]


@pytest.fixture
def world(cast, iop, group_factory):
    group = group_factory()
    services.group_enroll(
        actor=cast.front_desk, group=group, client=cast.client, on_date=date(2026, 1, 5)
    )
    session = past_session(cast, group)
    note = services.note_create(actor=cast.clinician, session=session, client=cast.client)
    return {"group": group, "session": session, "note": note, "episode": iop}


# page name -> (url builder, roles that get 200; others: 403 staff-without-right / 404 / login)
PAGES = {
    "day": (
        lambda w, c: reverse("scheduling:day"),
        {"admin", "clinician", "coordinator", "front_desk", "other_program", "outsider"},
    ),
    "week": (
        lambda w, c: reverse("scheduling:week"),
        {"admin", "clinician", "coordinator", "front_desk", "other_program", "outsider"},
    ),
    "groups": (
        lambda w, c: reverse("scheduling:groups"),
        {"admin", "clinician", "coordinator", "front_desk", "other_program", "outsider"},
    ),
    "group_create": (
        lambda w, c: reverse("scheduling:group_create"),
        {"admin", "clinician", "other_program", "outsider"},
    ),
    "group": (
        lambda w, c: reverse("scheduling:group", args=[w["group"].id]),
        {"admin", "clinician", "coordinator", "front_desk"},
    ),
    "book": (
        lambda w, c: reverse("scheduling:book"),
        {"admin", "clinician", "coordinator", "front_desk", "other_program", "outsider"},
    ),
    "holidays": (lambda w, c: reverse("scheduling:holidays"), {"admin", "outsider"}),
    "session": (
        lambda w, c: reverse("scheduling:session", args=[w["session"].id]),
        {"admin", "clinician", "coordinator", "front_desk"},
    ),
    "attendance": (
        lambda w, c: reverse("scheduling:attendance", args=[w["session"].id]),
        {"admin", "clinician"},
    ),
    "move": (
        lambda w, c: reverse("scheduling:move", args=[w["session"].id]),
        {"admin", "clinician", "coordinator", "front_desk"},
    ),
    "cancel": (
        lambda w, c: reverse("scheduling:cancel", args=[w["session"].id]),
        {"admin", "clinician", "coordinator", "front_desk"},
    ),
    "note": (lambda w, c: reverse("scheduling:note", args=[w["note"].id]), {"admin", "clinician"}),
    "client_ics": (
        lambda w, c: reverse("scheduling:client_ics", args=[c.client.id]),
        {"admin", "clinician", "coordinator", "front_desk"},
    ),
    "my_ics": (
        lambda w, c: reverse("scheduling:my_ics"),
        {"admin", "clinician", "coordinator", "front_desk", "client", "other_program", "outsider"},
    ),
    "care_enroll": (
        lambda w, c: reverse("care:enroll", args=[c.client.id]),
        {"admin", "clinician"},
    ),
    "care_transition": (
        lambda w, c: reverse("care:transition", args=[w["episode"].id]),
        {"admin", "clinician"},
    ),
    "care_finish": (
        lambda w, c: reverse("care:finish", args=[w["episode"].id]),
        {"admin", "clinician"},
    ),
    "client_page": (
        lambda w, c: reverse("clients:detail", args=[c.client.id]),
        {"admin", "clinician", "coordinator", "front_desk"},
    ),
}


# Clinical notes do not exist for staff below clinician: 404, like another program's records.
HIDDEN_BELOW_CLINICIAN = {"note"}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_what_it_may_on_every_page(client, cast, world, role):
    user = _user(cast, role)
    if user is not None:
        client.force_login(user)
    outcomes = {}
    for page, (build, allowed) in PAGES.items():
        response = client.get(build(world, cast))
        if role == "anonymous":
            ok = response.status_code == 302 and "/login/" in response["Location"]
        elif role in allowed:
            ok = response.status_code == 200
        elif role == "other_program" and page == "holidays":
            ok = response.status_code == 403  # a clinician, not an admin, of their program
        elif role in ("client", "other_program", "outsider") or page in HIDDEN_BELOW_CLINICIAN:
            ok = response.status_code == 404  # the staff area / another program: never a hint
        else:
            ok = response.status_code == 403
        outcomes[page] = response.status_code if not ok else "ok"
    assert {p: o for p, o in outcomes.items() if o != "ok"} == {}


def test_the_client_page_shows_the_timeline_and_attendance(client, cast, world):
    client.force_login(cast.clinician)
    body = client.get(reverse("clients:detail", args=[cast.client.id])).content.decode()
    assert "Levels of care" in body and "2.1 Intensive outpatient" in body
    assert "Attendance" in body and "h of 9.0 h required" in body


def test_the_client_sees_their_upcoming_sessions_on_their_home(client, cast, world):
    client.force_login(cast.client_user)
    body = client.get(reverse("clients:me")).content.decode()
    assert "My upcoming sessions" in body and "Morning process group" in body


def test_the_client_ics_lists_the_sessions(client, cast, world):
    client.force_login(cast.clinician)
    response = client.get(reverse("scheduling:client_ics", args=[cast.client.id]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content and b"Morning process group" in response.content


def _day_with(cast, group_factory, sessions: int, group_size: int) -> date:
    """`sessions` sessions for the clinician on one day, one of them a group of `group_size`."""
    day = datetime.now(tz=UTC).date() + timedelta(days=60)
    group = group_factory(capacity=20, start_date=day, rrule="FREQ=DAILY;COUNT=1")
    services.sessions_generate(group=group, until=day)
    for c in make_clients(cast, group_size):
        services.group_enroll(actor=cast.front_desk, group=group, client=c, on_date=day)
    others = make_clients(cast, 1)
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    Session.objects.bulk_create(
        Session(
            program=cast.program,
            client=others[0],
            session_type="individual_counseling",
            facilitator=cast.clinician,
            starts_at=start + timedelta(minutes=10 * i),
            ends_at=start + timedelta(minutes=10 * i + 10),
        )
        for i in range(sessions - 1)
    )
    return day


def test_the_day_view_runs_a_fixed_number_of_queries(
    client, cast, iop, group_factory, django_assert_num_queries
):
    small = _day_with(cast, group_factory, sessions=2, group_size=1)
    client.force_login(cast.clinician)
    cast.clinician.time_zone = "UTC"
    cast.clinician.save(update_fields=["time_zone"])
    url = reverse("scheduling:day")
    client.get(url, {"date": small.isoformat()})  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"date": small.isoformat()}).status_code == 200
    Session.objects.filter(starts_at__date=small).delete()
    big = _day_with(cast, group_factory, sessions=40, group_size=15)
    assert big == small
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url, {"date": big.isoformat()})
    assert response.content.decode().count('data-testid="session-') == 40
    assert "15 clients" in response.content.decode()


@pytest.mark.parametrize("program", ["abc", "999999999", "99999999999999999999999", "-1"])
def test_the_holidays_page_answers_a_bad_program_with_404(client, cast, program):
    client.force_login(cast.admin)
    assert client.get(reverse("scheduling:holidays"), {"program": program}).status_code == 404


def test_the_holidays_page_refuses_another_programs_holidays(client, cast):
    client.force_login(cast.admin)
    url = reverse("scheduling:holidays")
    assert client.get(url, {"program": cast.program.id}).status_code == 200
    assert client.get(url, {"program": cast.outsider_program.id}).status_code == 404
