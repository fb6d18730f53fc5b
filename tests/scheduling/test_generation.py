from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recoverypath.scheduling import services
from recoverypath.scheduling.models import Holiday, Session
from recoverypath.scheduling.tasks import sessions_generate_nightly

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def _local_starts(group):
    return [
        s.starts_at.astimezone(NEW_YORK)
        for s in Session.objects.filter(group=group).order_by("starts_at")
    ]


@time_machine.travel("2026-03-01 12:00:00Z", tick=False)
def test_a_weekly_rule_keeps_09_00_local_across_the_spring_daylight_saving_change(
    group_factory,
):
    group = group_factory(rrule="FREQ=WEEKLY;BYDAY=MO", start_date=date(2026, 3, 2))
    starts = _local_starts(group)
    assert [s.date() for s in starts] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
    ]
    assert {s.time() for s in starts} == {time(9, 0)}
    utc_hours = [s.starts_at.hour for s in Session.objects.filter(group=group)]
    assert utc_hours == [14, 13, 13, 13]  # EST before 8 March, EDT after


@time_machine.travel("2026-10-20 12:00:00Z", tick=False)
def test_a_weekly_rule_keeps_09_00_local_across_the_autumn_change(group_factory):
    group = group_factory(rrule="FREQ=WEEKLY;BYDAY=MO,TH", start_date=date(2026, 10, 1))
    starts = _local_starts(group)
    assert {s.time() for s in starts} == {time(9, 0)}
    assert date(2026, 10, 29) in {s.date() for s in starts}
    assert date(2026, 11, 2) in {s.date() for s in starts}
    durations = {s.duration_minutes for s in Session.objects.filter(group=group)}
    assert durations == {180}


@time_machine.travel("2026-03-01 12:00:00Z", tick=False)
def test_sessions_are_generated_for_the_rolling_window_only(group_factory):
    group = group_factory()
    last = Session.objects.filter(group=group).order_by("-starts_at").first()
    assert last.occurrence_date <= date(2026, 3, 29)
    assert Session.objects.filter(group=group).count() == 12  # 4 weeks x Mon/Wed/Thu
    group.refresh_from_db()
    assert group.generated_until == date(2026, 3, 29)


@time_machine.travel("2026-03-01 12:00:00Z", tick=False)
def test_generating_again_creates_no_duplicates_and_the_nightly_task_extends(group_factory):
    group = group_factory()
    assert services.sessions_generate(group=group) == 0
    with time_machine.travel("2026-03-08 12:00:00Z", tick=False):
        sessions_generate_nightly()
    assert Session.objects.filter(group=group).count() == 15
    days = list(Session.objects.filter(group=group).values_list("occurrence_date", flat=True))
    assert len(days) == len(set(days))


@time_machine.travel("2026-03-01 12:00:00Z", tick=False)
def test_program_holidays_are_skipped(cast, group_factory):
    Holiday.objects.create(program=cast.program, date=date(2026, 3, 4), name="Staff training")
    group = group_factory()
    days = set(Session.objects.filter(group=group).values_list("occurrence_date", flat=True))
    assert date(2026, 3, 4) not in days and date(2026, 3, 2) in days


@time_machine.travel("2026-03-01 12:00:00Z", tick=False)
def test_a_holiday_added_later_cancels_that_days_sessions(cast, group_factory):
    group = group_factory()
    services.holiday_add(
        actor=cast.admin, program=cast.program, day=date(2026, 3, 5), name="Closure"
    )
    session = Session.objects.get(group=group, occurrence_date=date(2026, 3, 5))
    assert session.status == "cancelled" and session.cancel_reason == "Holiday: Closure"


@time_machine.travel("2026-03-01 12:00:00Z", tick=False)
def test_a_moved_or_cancelled_session_is_never_regenerated(cast, group_factory):
    from datetime import datetime

    group = group_factory()
    first, second = Session.objects.filter(group=group).order_by("starts_at")[:2]
    services.session_move(
        actor=cast.front_desk,
        session=first,
        starts_at=datetime(2026, 3, 2, 13, 0, tzinfo=NEW_YORK),
        reason="Room flooded in the morning",
    )
    services.session_cancel(actor=cast.front_desk, session=second, reason="Facilitator ill")
    services.sessions_generate(group=group, until=date(2026, 4, 30))
    assert Session.objects.filter(group=group, occurrence_date=date(2026, 3, 2)).count() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.starts_at.astimezone(NEW_YORK).time() == time(13, 0) and first.moved
    assert second.status == "cancelled"


def test_an_invalid_rule_is_refused(cast, group_factory):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        group_factory(rrule="EVERY MONDAY PLEASE")
    assert "rrule" in exc.value.message_dict


@pytest.mark.parametrize("role", ["coordinator", "front_desk"])
def test_only_clinicians_and_admins_create_groups(cast, room, role):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.group_create(
            actor=cast.staff_users()[role],
            program=cast.program,
            name="x",
            facilitator=cast.clinician,
            rrule="FREQ=WEEKLY",
            start_date=date(2026, 1, 5),
            start_time=time(9),
            duration_minutes=60,
        )


def test_a_group_needs_a_room_or_a_telehealth_link(cast, group_factory):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        group_factory(room=None)
    assert "room" in exc.value.message_dict
    assert group_factory(room=None, telehealth_url="https://telehealth.example.org/g1").pk
