"""Reminders: persisted, sent once at the right moment in the recipient's zone, cancellable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from recoverypath.core.errors import ConflictError
from recoverypath.notifications.models import Notification, Reminder
from recoverypath.notifications.services import (
    reminder_cancel,
    reminder_schedule,
    reminders_send_due,
)

DENVER = ZoneInfo("America/Denver")


@pytest.fixture
def person(cast):
    user = cast.client_user
    user.time_zone = "America/Denver"
    user.save(update_fields=["time_zone"])
    return user


def test_a_reminder_is_sent_at_its_moment_and_only_once(person):
    at = datetime(2026, 5, 4, 9, 0, tzinfo=DENVER)
    reminder = reminder_schedule(
        recipient=person,
        at=at,
        template="reminder",
        context={"headline": "Group tonight at 6", "link": "/me/"},
    )
    with time_machine.travel(at - timedelta(seconds=1), tick=False) as clock:
        assert reminders_send_due() == 0
        clock.move_to(at)
        assert reminders_send_due() == 1
        assert reminders_send_due() == 0
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    rows = Notification.objects.filter(recipient=person)
    assert sorted(r.channel for r in rows) == ["email", "in_app"]
    assert rows.get(channel="in_app").body == "Group tonight at 6"
    email = rows.get(channel="email")
    assert "Group tonight" not in email.body  # no details leave the app
    assert email.body.endswith("/me/")


def test_a_naive_time_means_wall_clock_time_in_the_recipients_zone(person):
    reminder = reminder_schedule(
        recipient=person, at=datetime(2026, 7, 1, 8, 30), template="reminder", context={}
    )
    # 08:30 in Denver (MDT, UTC-6) is 14:30 UTC.
    assert reminder.at == datetime(2026, 7, 1, 14, 30, tzinfo=UTC)


def test_scheduling_again_with_the_same_key_moves_the_reminder(person):
    first = reminder_schedule(
        recipient=person,
        at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        template="reminder",
        context={},
        dedup_key="session:12",
    )
    second = reminder_schedule(
        recipient=person,
        at=datetime(2026, 5, 5, 9, 0, tzinfo=UTC),
        template="reminder",
        context={},
        dedup_key="session:12",
    )
    assert first.id == second.id
    assert Reminder.objects.count() == 1
    assert Reminder.objects.get().at == datetime(2026, 5, 5, 9, 0, tzinfo=UTC)


def test_a_cancelled_reminder_is_never_sent(person):
    at = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    reminder = reminder_schedule(recipient=person, at=at, template="reminder", context={})
    reminder_cancel(reminder=reminder)
    reminder_cancel(reminder=reminder)  # twice is harmless
    with time_machine.travel(at + timedelta(minutes=5), tick=False):
        assert reminders_send_due() == 0
    assert reminder.status == Reminder.Status.CANCELLED
    assert not Notification.objects.exists()
    assert len(mail.outbox) == 0


def test_a_sent_reminder_cannot_be_cancelled(person):
    at = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    reminder = reminder_schedule(recipient=person, at=at, template="reminder", context={})
    with time_machine.travel(at, tick=False):
        reminders_send_due()
    with pytest.raises(ConflictError):
        reminder_cancel(reminder=reminder)


def test_a_reminder_refuses_context_that_is_not_json(person):
    with pytest.raises(ValidationError):
        reminder_schedule(
            recipient=person,
            at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
            template="reminder",
            context={"when": object()},
        )
