"""Delivery: claimed once, retried with back-off, never lost, never sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail

from recoverypath.notifications.models import Notification, NotificationPreference
from recoverypath.notifications.services import (
    delivery,
    notification_deliver,
    notification_queue,
    notifications_deliver_due,
    retry_delay,
)

T0 = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 11:00 in New York


class WorkerKilled(BaseException):
    """Stands in for the process dying mid-task (not an Exception: nothing catches it)."""


@pytest.fixture
def texting(cast):
    NotificationPreference.objects.create(
        user=cast.coordinator, email=True, sms=True, in_app=True, phone="+12025550142"
    )
    return cast.coordinator


def _queue(recipient, channels, **kwargs):
    return notification_queue(
        recipient=recipient,
        template="reminder",
        context={"headline": "Group at 6 pm"},
        link="/alerts/1/",
        channels=channels,
        **kwargs,
    )


def test_a_queued_email_is_sent_by_the_worker_after_commit(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [row] = _queue(cast.coordinator, ["email"])
        assert len(mail.outbox) == 0  # nothing leaves before the transaction commits
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1
    assert row.provider_message_id == f"<notification-{row.id}@recoverypath>"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.coordinator.email]


def test_a_failing_provider_is_retried_with_back_off_and_sent_exactly_once(
    texting, sms_gateway, django_capture_on_commit_callbacks
):
    sms_gateway.script = [503, 502]
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            [row] = _queue(texting, ["sms"])
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Notification.Status.QUEUED, 1)
        assert row.next_attempt_at == T0 + timedelta(seconds=60)
        assert "503" in row.last_error

        clock.shift(timedelta(seconds=59))
        notifications_deliver_due()
        assert len(sms_gateway.requests) == 1  # not due yet

        clock.shift(timedelta(seconds=1))
        notifications_deliver_due()
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Notification.Status.QUEUED, 2)
        assert row.next_attempt_at == T0 + timedelta(seconds=60 + 120)  # doubled

        clock.shift(timedelta(seconds=120))
        assert notifications_deliver_due() == 1
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Notification.Status.SENT, 3)
        assert row.provider_message_id == "gw-3"
        assert row.last_error == ""

        clock.shift(timedelta(hours=2))
        notifications_deliver_due()
        notification_deliver(notification_id=row.id)
    assert len(sms_gateway.requests) == 3
    assert len(sms_gateway.delivered) == 1


def test_a_row_whose_enqueue_was_lost_is_sent_once_by_the_sweep(cast):
    # The web process commits the row and dies before enqueueing (on_commit never runs here).
    [row] = _queue(cast.coordinator, ["email"])
    assert len(mail.outbox) == 0
    assert notifications_deliver_due() == 1
    assert notifications_deliver_due() == 0
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert len(mail.outbox) == 1


def test_a_worker_killed_after_claiming_is_taken_over_after_the_lease_and_sent_once(
    cast, monkeypatch
):
    # Killed after the claim but before the provider call (a death during the call leaves the
    # row `sending` instead: tests/notifications/test_sending_recovery.py).
    def die(notification_id):
        raise WorkerKilled

    with time_machine.travel(T0, tick=False) as clock:
        [row] = _queue(cast.coordinator, ["email"])
        monkeypatch.setattr(delivery, "_claimed_row", die)
        with pytest.raises(WorkerKilled):
            notification_deliver(notification_id=row.id)
        monkeypatch.undo()
        row.refresh_from_db()
        assert row.status == Notification.Status.QUEUED
        assert row.claimed_until == T0 + timedelta(minutes=5)

        # Another worker must not send while the claim may still be live...
        assert notifications_deliver_due() == 0
        assert notification_deliver(notification_id=row.id) is None
        assert len(mail.outbox) == 0

        # ...and takes it over once the claim has lapsed.
        clock.shift(timedelta(minutes=5, seconds=1))
        assert notifications_deliver_due() == 1
        assert notifications_deliver_due() == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_two_deliveries_of_the_same_row_send_it_once(cast):
    [row] = _queue(cast.coordinator, ["email"])
    first = notification_deliver(notification_id=row.id)
    second = notification_deliver(notification_id=row.id)
    assert first.status == Notification.Status.SENT
    assert second is None
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_the_row_is_kept_as_failed(texting, sms_gateway, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    sms_gateway.script = [500, 500, 500, 500]
    with time_machine.travel(T0, tick=False) as clock:
        [row] = _queue(texting, ["sms"])
        for _ in range(5):
            notifications_deliver_due()
            clock.shift(timedelta(hours=1))
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.attempts == 3
    assert "500" in row.last_error
    assert row.next_attempt_at is None
    assert len(sms_gateway.requests) == 3


def test_back_off_doubles_and_stops_at_an_hour(settings):
    settings.NOTIFICATION_RETRY_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(12) == timedelta(hours=1)


def test_email_and_sms_carry_only_a_link_and_no_health_information(texting, sms_gateway, settings):
    secret = "Juniper Quillfeather relapsed on opioids"
    rows = notification_queue(
        recipient=texting,
        template="alerts.raised",
        context={"severity": "critical", "kind_label": secret, "reason": secret},
        link="/alerts/7/",
    )
    assert {r.channel for r in rows} == {"email", "sms", "in_app"}
    notifications_deliver_due()
    external = [r for r in rows if r.channel in ("email", "sms")]
    for row in external:
        row.refresh_from_db()
        assert row.body == f"You have a new alert in RecoveryPath: {settings.SITE_URL}/alerts/7/"
        assert "Juniper" not in row.body and "opioids" not in row.body
        assert "Juniper" not in row.subject
    assert "Juniper" not in mail.outbox[0].body
    assert "Juniper" not in sms_gateway.delivered[0]["json"]["body"]
    assert sms_gateway.delivered[0]["json"]["body"].endswith("/alerts/7/")


def test_in_app_is_delivered_by_the_write_itself(cast):
    [row] = _queue(cast.coordinator, ["in_app"])
    assert row.status == Notification.Status.SENT
    assert row.body == "Group at 6 pm"


def test_quiet_hours_hold_email_until_morning_but_not_critical_or_in_app(
    cast, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=cast.coordinator,
        email=True,
        in_app=True,
        quiet_hours_start=time(21, 0),
        quiet_hours_end=time(7, 0),
    )
    late = datetime(2026, 3, 11, 3, 30, tzinfo=UTC)  # 23:30 in New York (EDT)
    morning = datetime(2026, 3, 11, 11, 0, tzinfo=UTC)  # 07:00 in New York
    with time_machine.travel(late, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            rows = _queue(cast.coordinator, None)
            [urgent] = _queue(cast.coordinator, ["email"], critical=True)
        by_channel = {r.channel: r for r in rows}
        assert by_channel["in_app"].status == Notification.Status.SENT
        assert by_channel["email"].next_attempt_at == morning
        assert len(mail.outbox) == 1  # only the critical one
        urgent.refresh_from_db()
        assert urgent.status == Notification.Status.SENT

        clock.move_to(morning - timedelta(minutes=1))
        assert notifications_deliver_due() == 0
        clock.move_to(morning)
        assert notifications_deliver_due() == 1
    assert len(mail.outbox) == 2


def test_staff_without_preferences_get_in_app_and_email(cast):
    rows = _queue(cast.coordinator, None)
    assert sorted(r.channel for r in rows) == ["email", "in_app"]


def test_an_inactive_person_is_not_notified(cast):
    cast.coordinator.is_active = False
    cast.coordinator.save(update_fields=["is_active"])
    assert _queue(cast.coordinator, None) == []
    assert not Notification.objects.exists()


def test_sms_is_skipped_for_someone_without_a_number(cast):
    assert _queue(cast.admin, ["sms"]) == []
