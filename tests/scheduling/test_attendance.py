from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from recoverypath.alerts.models import Alert
from recoverypath.scheduling import selectors, services
from recoverypath.scheduling.models import Attendance

from .conftest import make_clients, past_session

pytestmark = pytest.mark.django_db
JOINED = date(2026, 1, 5)


@pytest.fixture
def group_with(cast, group_factory):
    def make(n: int, **kwargs):
        group = group_factory(capacity=20, **kwargs)
        clients = make_clients(cast, n)
        for client in clients:
            services.group_enroll(actor=cast.front_desk, group=group, client=client, on_date=JOINED)
        return group, clients

    return make


def _sheet(clients, status="present", **extra):
    return [{"client_id": c.id, "status": status, **extra} for c in clients]


def test_a_facilitator_takes_attendance_for_a_whole_group_at_once(cast, group_with):
    group, clients = group_with(15)
    session = past_session(cast, group)
    rows = _sheet(clients[:10])
    rows += [
        {"client_id": clients[10].id, "status": "late", "minutes_attended": 150},
        {"client_id": clients[11].id, "status": "left_early", "minutes_attended": 90},
        {"client_id": clients[12].id, "status": "excused"},
        {"client_id": clients[13].id, "status": "unexcused"},
        {"client_id": clients[14].id, "status": "present", "minutes_attended": 180},
    ]
    saved = services.attendance_record(actor=cast.clinician, session=session, rows=rows)
    assert len(saved) == 15
    by_client = {a.client_id: a for a in Attendance.objects.filter(session=session)}
    assert by_client[clients[0].id].minutes_attended == 180
    assert by_client[clients[10].id].status == "late"
    assert by_client[clients[12].id].minutes_attended == 0


def test_correcting_attendance_updates_the_same_rows(cast, group_with):
    group, clients = group_with(2)
    session = past_session(cast, group)
    services.attendance_record(actor=cast.clinician, session=session, rows=_sheet(clients))
    services.attendance_record(
        actor=cast.clinician, session=session, rows=_sheet(clients[:1], status="excused")
    )
    assert Attendance.objects.filter(session=session).count() == 2
    assert Attendance.objects.get(session=session, client=clients[0]).status == "excused"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"status": "unexcused", "minutes_attended": 30}, "minutes_attended"),
        ({"status": "late", "minutes_attended": 999}, "minutes_attended"),
        ({"status": "late"}, "minutes_attended"),
        ({"status": "asleep"}, "status"),
    ],
)
def test_invalid_rows_are_refused_with_the_field_named(cast, group_with, row, field):
    group, clients = group_with(1)
    session = past_session(cast, group)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(
            actor=cast.clinician, session=session, rows=[{"client_id": clients[0].id, **row}]
        )
    assert f"{clients[0].id}.{field}" in exc.value.message_dict


def test_a_client_not_on_the_roster_is_refused(cast, group_with):
    group, _ = group_with(1)
    session = past_session(cast, group)
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=cast.clinician, session=session, rows=_sheet([cast.other_program_client])
        )


def test_attendance_waits_until_the_session_starts(cast, group_with):
    group, clients = group_with(1)
    future = group.sessions.order_by("starts_at").last()
    with pytest.raises(ValidationError):
        services.attendance_record(actor=cast.clinician, session=future, rows=_sheet(clients))


@pytest.mark.parametrize("role", ["coordinator", "front_desk"])
def test_staff_who_do_not_facilitate_cannot_take_attendance(cast, group_with, role):
    group, clients = group_with(1)
    session = past_session(cast, group)
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            actor=cast.staff_users()[role], session=session, rows=_sheet(clients)
        )


def test_a_coordinator_takes_attendance_for_the_session_they_facilitate(cast, group_with):
    group, clients = group_with(1, facilitator=cast.coordinator)
    session = past_session(cast, group)
    assert services.attendance_record(actor=cast.coordinator, session=session, rows=_sheet(clients))


def test_two_unexcused_absences_in_a_row_raise_a_high_alert(
    cast, group_with, django_capture_on_commit_callbacks
):
    group, clients = group_with(1)
    client = clients[0]
    first, second, third = (past_session(cast, group, days_ago=d) for d in (5, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(
            actor=cast.clinician, session=first, rows=_sheet(clients, "unexcused")
        )
    assert not Alert.objects.filter(client=client).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(
            actor=cast.clinician, session=second, rows=_sheet(clients, "unexcused")
        )
    alert = Alert.objects.get(client=client)
    assert (alert.kind, alert.severity) == ("attendance.unexcused_absences", "high")
    assert alert.dedup_key == f"attendance:unexcused-streak:{client.id}:{first.id}"
    assert alert.reason.startswith("2 unexcused absences in a row")
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(
            actor=cast.clinician, session=third, rows=_sheet(clients, "unexcused")
        )
    alert = Alert.objects.get(client=client)  # the same alert, updated
    assert alert.reason.startswith("3 unexcused absences in a row")


def test_an_excused_absence_between_breaks_the_run(
    cast, group_with, django_capture_on_commit_callbacks
):
    group, clients = group_with(1)
    sessions = [past_session(cast, group, days_ago=d) for d in (5, 3, 1)]
    with django_capture_on_commit_callbacks(execute=True):
        for session, status in zip(sessions, ["unexcused", "excused", "unexcused"], strict=True):
            services.attendance_record(
                actor=cast.clinician, session=session, rows=_sheet(clients, status)
            )
    assert not Alert.objects.filter(client=clients[0]).exists()


def test_the_summary_gives_the_rate_and_hours_per_week_against_the_requirement(cast, group_with):
    group, clients = group_with(1)
    client = clients[0]
    sessions = [past_session(cast, group, days_ago=d) for d in (15, 8, 1)]
    for session, row in zip(
        sessions,
        [
            {"status": "present"},
            {"status": "late", "minutes_attended": 120},
            {"status": "unexcused"},
        ],
        strict=True,
    ):
        services.attendance_record(
            actor=cast.clinician, session=session, rows=[{"client_id": client.id, **row}]
        )
    summary = selectors.attendance_summary(
        client=client, since=timezone.localdate() - timedelta(days=30)
    )
    assert (summary.recorded, summary.attended, summary.unexcused, summary.rate) == (3, 2, 1, 67)
    assert summary.weekly_hours_required == Decimal("9")
    assert sum(w.hours for w in summary.weeks) == Decimal("5.0")
    assert all(not w.meets_requirement for w in summary.weeks)
