"""Session and appointment reminders: the day before and an hour before, each sent once at its
time (across a change of daylight saving time), moved with the session, never for a cancelled
session, and none when the program switched them off."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recoverypath.notifications.models import Notification, Reminder
from recoverypath.notifications.services import reminder_settings_update, reminders_send_due
from recoverypath.scheduling import services
from recoverypath.scheduling.models import Session

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


def book(cast, start: datetime) -> Session:
    return services.session_book(
        actor=cast.front_desk,
        client=cast.client,
        facilitator=cast.clinician,
        session_type="individual_counseling",
        starts_at=start,
        duration_minutes=50,
    )


def sent_reminders(cast) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=cast.client_user, channel="in_app").order_by("id")
    )


def run_worker_at(moment: datetime) -> int:
    """The reminder worker run twice at `moment` (two workers, or a retried job): what it sent."""
    with time_machine.travel(moment, tick=False):
        return reminders_send_due() + reminders_send_due()


@pytest.mark.parametrize(
    ("booked_on", "session_start", "day_before", "hour_before"),
    [
        # Clocks go back at 02:00 on Sunday 1 November 2026 (EDT -> EST).
        (
            datetime(2026, 10, 28, 12, tzinfo=UTC),
            datetime(2026, 11, 1, 10, 0, tzinfo=NY),
            datetime(2026, 10, 31, 10, 0, tzinfo=NY),
            datetime(2026, 11, 1, 9, 0, tzinfo=NY),
        ),
        # Clocks go forward at 02:00 on Sunday 14 March 2027 (EST -> EDT).
        (
            datetime(2027, 3, 10, 12, tzinfo=UTC),
            datetime(2027, 3, 14, 10, 0, tzinfo=NY),
            datetime(2027, 3, 13, 10, 0, tzinfo=NY),
            datetime(2027, 3, 14, 9, 0, tzinfo=NY),
        ),
    ],
    ids=["fall-back", "spring-forward"],
)
def test_each_reminder_fires_once_at_its_local_time_across_a_dst_change(
    cast, booked_on, session_start, day_before, hour_before
):
    with time_machine.travel(booked_on, tick=False):
        book(cast, session_start)
    reminders = Reminder.objects.filter(recipient=cast.client_user).order_by("at")
    assert [r.at for r in reminders] == [day_before, hour_before]
    # The day before keeps the wall-clock time (10:00 both days), though the offset changed.
    assert day_before.utcoffset() != hour_before.utcoffset()

    assert run_worker_at(day_before - timedelta(seconds=1)) == 0
    assert run_worker_at(day_before) == 1
    assert run_worker_at(hour_before - timedelta(seconds=1)) == 0
    assert run_worker_at(hour_before) == 1
    assert run_worker_at(hour_before + timedelta(minutes=5)) == 0
    bodies = [n.body for n in sent_reminders(cast)]
    assert len(bodies) == 2
    assert "at 10:00" in bodies[0] and "Individual counseling" in bodies[0]
    assert "starts soon" in bodies[1]


def test_e_mail_reminders_say_nothing_about_the_session(cast):
    with time_machine.travel(datetime(2026, 10, 28, 12, tzinfo=UTC), tick=False):
        book(cast, datetime(2026, 10, 30, 10, 0, tzinfo=NY))
    run_worker_at(datetime(2026, 10, 29, 10, 0, tzinfo=NY))
    email = Notification.objects.get(recipient=cast.client_user, channel="email")
    assert "counseling" not in email.body.lower()
    assert "10:00" not in email.body
    assert email.body.endswith("/me/")


def test_a_session_cancelled_after_booking_sends_no_reminder(cast):
    start = datetime(2026, 11, 1, 10, 0, tzinfo=NY)
    with time_machine.travel(datetime(2026, 10, 28, 12, tzinfo=UTC), tick=False):
        session = book(cast, start)
        services.session_cancel(actor=cast.front_desk, session=session, reason="Clinician ill")
    assert not Reminder.objects.filter(status=Reminder.Status.SCHEDULED).exists()
    for moment in (start - timedelta(days=1), start - timedelta(hours=1)):
        assert run_worker_at(moment) == 0
    assert sent_reminders(cast) == []


def test_a_session_cancelled_behind_the_reminders_back_is_caught_at_send_time(cast):
    start = datetime(2026, 11, 1, 10, 0, tzinfo=NY)
    with time_machine.travel(datetime(2026, 10, 28, 12, tzinfo=UTC), tick=False):
        session = book(cast, start)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    assert run_worker_at(start - timedelta(days=1)) == 0
    assert run_worker_at(start - timedelta(hours=1)) == 0
    assert sent_reminders(cast) == []
    assert set(Reminder.objects.values_list("status", flat=True)) == {"cancelled"}


def test_moving_a_session_moves_its_reminders(cast):
    with time_machine.travel(datetime(2026, 10, 28, 12, tzinfo=UTC), tick=False):
        session = book(cast, datetime(2026, 11, 1, 10, 0, tzinfo=NY))
        services.session_move(
            actor=cast.front_desk,
            session=session,
            starts_at=datetime(2026, 11, 3, 15, 0, tzinfo=NY),
        )
    pending = Reminder.objects.filter(status=Reminder.Status.SCHEDULED).order_by("at")
    assert [r.at for r in pending] == [
        datetime(2026, 11, 2, 15, 0, tzinfo=NY),
        datetime(2026, 11, 3, 14, 0, tzinfo=NY),
    ]
    assert run_worker_at(datetime(2026, 10, 31, 10, 0, tzinfo=NY)) == 0  # the old time
    assert run_worker_at(datetime(2026, 11, 2, 15, 0, tzinfo=NY)) == 1


def test_a_session_booked_within_the_day_gets_only_the_hour_before(cast):
    with time_machine.travel(datetime(2026, 10, 28, 12, tzinfo=UTC), tick=False):
        book(cast, datetime(2026, 10, 28, 15, 0, tzinfo=NY))
    assert [r.dedup_key.rsplit(":", 1)[1] for r in Reminder.objects.all()] == [
        "session_hour_before"
    ]


def test_no_reminders_when_the_program_switched_them_off(cast):
    reminder_settings_update(
        actor=cast.admin, program=cast.program, changes={"session_day_before": {"enabled": False}}
    )
    start = datetime(2026, 11, 1, 10, 0, tzinfo=NY)
    with time_machine.travel(datetime(2026, 10, 28, 12, tzinfo=UTC), tick=False):
        book(cast, start)
    assert Reminder.objects.count() == 1  # the hour before only
    # Switched off after scheduling: the worker's last look cancels it.
    reminder_settings_update(
        actor=cast.admin, program=cast.program, changes={"session_hour_before": {"enabled": False}}
    )
    assert run_worker_at(start - timedelta(hours=1)) == 0
    assert sent_reminders(cast) == []


def test_the_programs_lead_time_is_used(cast):
    reminder_settings_update(
        actor=cast.admin,
        program=cast.program,
        changes={"session_hour_before": {"lead_minutes": 30}},
    )
    with time_machine.travel(datetime(2026, 10, 28, 12, tzinfo=UTC), tick=False):
        book(cast, datetime(2026, 10, 28, 15, 0, tzinfo=NY))
    assert Reminder.objects.get().at == datetime(2026, 10, 28, 14, 30, tzinfo=NY)


# --- Group sessions: scheduled lazily by the sweep ----------------------------------------------


@pytest.fixture
def group_with_client(cast, iop, group_factory):
    # Enrolled a week ahead: nothing is within 48 hours yet, so nothing is scheduled.
    with time_machine.travel(datetime(2026, 10, 19, 12, tzinfo=UTC), tick=False):
        group = group_factory(
            rrule="FREQ=WEEKLY;BYDAY=MO,WE", start_date=date(2026, 10, 26), start_time=time(18, 0)
        )
        services.group_enroll(actor=cast.clinician, group=group, client=cast.client)
    assert not Reminder.objects.exists()
    return group


def test_the_sweep_schedules_group_session_reminders_once(cast, group_with_client):
    # Tuesday 27 October, noon: Wednesday's 18:00 session is within 48 hours, Monday's is not.
    with time_machine.travel(datetime(2026, 10, 27, 12, 0, tzinfo=NY), tick=False):
        services.session_reminders_schedule_upcoming()
        services.session_reminders_schedule_upcoming()
    wednesday = Session.objects.get(group=group_with_client, occurrence_date=date(2026, 10, 28))
    reminders = Reminder.objects.filter(recipient=cast.client_user).order_by("at")
    assert [r.at for r in reminders] == [
        datetime(2026, 10, 27, 18, 0, tzinfo=NY),
        datetime(2026, 10, 28, 17, 0, tzinfo=NY),
    ]
    assert all(r.dedup_key.startswith(f"scheduling:session:{wednesday.id}:") for r in reminders)
    assert run_worker_at(datetime(2026, 10, 27, 18, 0, tzinfo=NY)) == 1
    # Later sweeps neither reschedule the sent one nor add another.
    with time_machine.travel(datetime(2026, 10, 27, 19, 0, tzinfo=NY), tick=False):
        services.session_reminders_schedule_upcoming()
    assert Reminder.objects.filter(recipient=cast.client_user).count() == 2
    assert run_worker_at(datetime(2026, 10, 28, 17, 0, tzinfo=NY)) == 1
    assert len(sent_reminders(cast)) == 2


def test_leaving_the_group_cancels_its_reminders(cast, group_with_client):
    with time_machine.travel(datetime(2026, 10, 27, 12, 0, tzinfo=NY), tick=False):
        services.session_reminders_schedule_upcoming()
        enrollment = group_with_client.enrollments.get(client=cast.client)
        services.group_leave(actor=cast.clinician, enrollment=enrollment)
    assert not Reminder.objects.filter(status=Reminder.Status.SCHEDULED).exists()
    assert run_worker_at(datetime(2026, 10, 28, 17, 0, tzinfo=NY)) == 0


def test_a_holiday_cancels_the_days_group_session_reminders(cast, group_with_client):
    with time_machine.travel(datetime(2026, 10, 27, 12, 0, tzinfo=NY), tick=False):
        services.session_reminders_schedule_upcoming()
        services.holiday_add(
            actor=cast.admin, program=cast.program, day=date(2026, 10, 28), name="Closure (test)"
        )
    assert not Reminder.objects.filter(status=Reminder.Status.SCHEDULED).exists()


def test_the_sweep_loads_sessions_in_a_fixed_number_of_queries(
    cast, group_with_client, django_assert_max_num_queries
):
    from recoverypath.scheduling.selectors.reminders import sessions_upcoming

    now = datetime(2026, 10, 26, 12, 0, tzinfo=NY)
    with django_assert_max_num_queries(6):
        sessions = list(sessions_upcoming(start=now, end=now + timedelta(days=14)))
        for session in sessions:
            list(session.group.enrollments.all())
            list(session.attendance.all())
    assert len(sessions) >= 4


def test_a_sweep_just_after_a_reminder_fell_due_leaves_it_to_the_worker(cast):
    with time_machine.travel(datetime(2026, 10, 28, 12, tzinfo=UTC), tick=False):
        book(cast, datetime(2026, 10, 28, 15, 0, tzinfo=NY))
    just_after = datetime(2026, 10, 28, 14, 0, 30, tzinfo=NY)
    with time_machine.travel(just_after, tick=False):
        services.session_reminders_schedule_upcoming()
    assert run_worker_at(just_after) == 1
