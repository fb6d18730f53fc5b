"""Check-in reminders: the daily one at the client's chosen time (20:00 local stays 20:00 across
a change of daylight saving time), skipped once checked in; the kind nudge the next morning
after a day without a check-in, with no health information in e-mail or SMS; each sent once;
none when the program or the client switched it off."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recoverypath.care import services as care_services
from recoverypath.clients.models import Client
from recoverypath.monitoring.models import CheckIn
from recoverypath.monitoring.reminders import check_in_reminders_schedule
from recoverypath.notifications.models import Notification, NotificationPreference, Reminder
from recoverypath.notifications.services import reminder_settings_update, reminders_send_due

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def sweep_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return check_in_reminders_schedule()


def worker_at(moment: datetime) -> int:
    """Two workers (or a retried job) at `moment`: how many reminders went out."""
    with time_machine.travel(moment, tick=False):
        return reminders_send_due() + reminders_send_due()


def check_in(client, day: date) -> CheckIn:
    return CheckIn.objects.create(
        client=client, date=day, mood=4, craving=1, sleep_hours=7, stress=2
    )


@pytest.fixture
def evening_reminder(cast):
    """The client chose a reminder at 20:00 (their zone: New York)."""
    return NotificationPreference.objects.create(
        user=cast.client_user, check_in_reminder_time=time(20, 0)
    )


@pytest.fixture
def in_care(cast):
    """The client is in an active episode, registered well before the days below."""
    Client.objects.filter(pk=cast.client.pk).update(created_at=datetime(2026, 1, 2, 12, tzinfo=UTC))
    cast.client.refresh_from_db()
    care_services.episode_start(
        actor=cast.admin,
        client=cast.client,
        level_code="2.1",
        start_date=date(2026, 1, 5),
        track="general",
        placement_answers={
            "needs_withdrawal_management": False,
            "living_environment_unsafe": False,
            "acute_safety_risk": False,
            "can_attend_hours": True,
        },
    )


@pytest.mark.parametrize(
    "days",
    [
        # Clocks go back on Sunday 1 November 2026, forward on Sunday 14 March 2027.
        [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)],
        [date(2027, 3, 13), date(2027, 3, 14), date(2027, 3, 15)],
    ],
    ids=["fall-back", "spring-forward"],
)
def test_the_daily_reminder_fires_once_at_20_local_each_day_across_a_dst_change(
    cast, evening_reminder, days
):
    offsets = set()
    for day in days:
        sweep_at(local(day, 12))
        sweep_at(local(day, 12, 15))  # the sweep again: nothing new
        reminder = Reminder.objects.get(status=Reminder.Status.SCHEDULED)
        assert reminder.at == local(day, 20)
        offsets.add(local(day, 20).utcoffset())
        assert worker_at(local(day, 19, 59)) == 0
        assert worker_at(local(day, 20)) == 1
        assert worker_at(local(day, 20, 5)) == 0
    assert len(offsets) == 2  # the same 20:00 local, at two different UTC times
    sent = Reminder.objects.filter(status=Reminder.Status.SENT)
    assert sorted(r.sent_at.astimezone(NY).hour for r in sent) == [20, 20, 20]
    assert Notification.objects.filter(recipient=cast.client_user, channel="in_app").count() == 3


def test_after_20_the_sweep_schedules_tomorrows_reminder_not_another_today(cast, evening_reminder):
    day = date(2026, 11, 1)
    sweep_at(local(day, 12))
    worker_at(local(day, 20))
    sweep_at(local(day, 21))
    pending = Reminder.objects.get(status=Reminder.Status.SCHEDULED)
    assert pending.at == local(day + timedelta(days=1), 20)


def test_no_daily_reminder_on_a_day_already_checked_in(cast, evening_reminder):
    day = date(2026, 11, 1)
    sweep_at(local(day, 12))
    check_in(cast.client, day)
    assert worker_at(local(day, 20)) == 0
    assert Reminder.objects.get().status == Reminder.Status.CANCELLED
    assert not Notification.objects.exists()


def test_a_client_who_turns_the_reminder_off_gets_none(cast, evening_reminder):
    day = date(2026, 11, 1)
    sweep_at(local(day, 12))
    evening_reminder.check_in_reminder_time = None
    evening_reminder.save(update_fields=["check_in_reminder_time"])
    assert worker_at(local(day, 20)) == 0
    sweep_at(local(day, 21))
    assert not Reminder.objects.filter(status=Reminder.Status.SCHEDULED).exists()


def test_a_new_time_moves_todays_reminder(cast, evening_reminder):
    day = date(2026, 11, 1)
    sweep_at(local(day, 12))
    evening_reminder.check_in_reminder_time = time(18, 30)
    evening_reminder.save(update_fields=["check_in_reminder_time"])
    sweep_at(local(day, 12, 15))
    assert Reminder.objects.get().at == local(day, 18, 30)


def test_no_daily_reminder_when_the_program_switched_it_off(cast, evening_reminder):
    reminder_settings_update(
        actor=cast.admin, program=cast.program, changes={"check_in_daily": {"enabled": False}}
    )
    sweep_at(local(date(2026, 11, 1), 12))
    assert not Reminder.objects.exists()


def test_clients_without_a_chosen_time_or_care_get_no_check_in_reminders(cast):
    sweep_at(local(date(2026, 11, 1), 12))
    assert not Reminder.objects.exists()


# --- The missed check-in nudge ------------------------------------------------------------------


def test_a_missed_day_brings_a_kind_nudge_at_nine_the_next_morning(cast, in_care):
    NotificationPreference.objects.create(
        user=cast.client_user, email=True, sms=True, in_app=True, phone="+12025550143"
    )
    missed = date(2026, 10, 31)  # the next morning is the first after clocks went back
    sweep_at(local(missed, 12))
    nudge = Reminder.objects.get(dedup_key__startswith="monitoring:check-in-missed:")
    assert nudge.at == local(missed + timedelta(days=1), 9)
    assert worker_at(local(missed + timedelta(days=1), 8, 59)) == 0
    assert worker_at(local(missed + timedelta(days=1), 9)) == 1
    rows = {n.channel: n for n in Notification.objects.filter(recipient=cast.client_user)}
    assert set(rows) == {"in_app", "email", "sms"}
    for channel in ("email", "sms"):
        body = rows[channel].body
        assert "A quick check-in is waiting for you" in body
        assert body.endswith("/me/check-in/")
        for word in ("missed", "mood", "craving", "Juniper", "recovery program"):
            assert word not in body


def test_no_nudge_after_a_day_with_a_check_in(cast, in_care):
    day = date(2026, 10, 31)
    sweep_at(local(day, 12))
    check_in(cast.client, day)
    assert worker_at(local(day + timedelta(days=1), 9)) == 0
    assert not Notification.objects.exists()


def test_the_nudge_goes_at_the_programs_time_and_not_when_switched_off(cast, in_care):
    reminder_settings_update(
        actor=cast.admin,
        program=cast.program,
        changes={"check_in_missed": {"send_time": time(8, 30)}},
    )
    day = date(2026, 10, 31)
    sweep_at(local(day, 12))
    assert Reminder.objects.get().at == local(day + timedelta(days=1), 8, 30)
    reminder_settings_update(
        actor=cast.admin, program=cast.program, changes={"check_in_missed": {"enabled": False}}
    )
    assert worker_at(local(day + timedelta(days=1), 8, 30)) == 0
    sweep_at(local(day + timedelta(days=1), 12))
    assert not Reminder.objects.filter(status=Reminder.Status.SCHEDULED).exists()


def test_the_sweep_reads_in_a_fixed_number_of_queries(cast, in_care, django_assert_num_queries):
    from recoverypath.monitoring.selectors import check_in_reminder_targets

    NotificationPreference.objects.create(user=cast.client_user, check_in_reminder_time=time(20))
    with django_assert_num_queries(1):
        targets = check_in_reminder_targets()
        assert [t.daily_at for t in targets] == [time(20)]
        assert targets[0].in_care


def _clients_with_evening_reminders(cast, count: int, programs: list) -> None:
    from tests.factories import ClientFactory, UserFactory

    for n in range(count):
        user = UserFactory(email=f"sweep{n}-{len(programs)}@test.example.org")
        ClientFactory(program=programs[n % len(programs)], user=user, mrn=f"SW-{count}-{n}")
        NotificationPreference.objects.create(user=user, check_in_reminder_time=time(20, 0))


def _sweep_statements(moment: datetime) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as queries:
        changed = check_in_reminders_schedule()
    return changed, len(queries)


def test_the_sweep_reads_in_batches_whatever_the_number_of_clients_and_programs(cast, monkeypatch):
    from recoverypath.monitoring import reminders

    moment = local(date(2026, 11, 10), 9)
    _clients_with_evening_reminders(cast, 2, [cast.program])
    assert _sweep_statements(moment)[0] == 2
    changed, reads_small = _sweep_statements(moment)  # all scheduled already: reads only
    assert changed == 0
    _clients_with_evening_reminders(cast, 12, [cast.program, cast.other_program])
    assert _sweep_statements(moment)[0] == 12
    changed, reads_large = _sweep_statements(moment)
    assert changed == 0
    assert reads_large == reads_small  # 14 clients in two programs: the same reads as 2 in one
    # With batches of 5, every client is still reached, once.
    Reminder.objects.all().delete()
    monkeypatch.setattr(reminders, "SWEEP_BATCH", 5)
    assert _sweep_statements(moment)[0] == 14
    assert _sweep_statements(moment)[0] == 0
