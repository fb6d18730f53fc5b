"""A worker killed between "sending" and "sent" never makes a second provider call: the row is
settled by asking the provider, or left "unknown" for a person to check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from recoverypath.core.models import AuditEvent
from recoverypath.notifications.channels.sms.providers import HttpSmsProvider
from recoverypath.notifications.models import Notification, NotificationPreference
from recoverypath.notifications.services import (
    notification_deliver,
    notification_queue,
    notification_resolve_unknown,
    notifications_deliver_due,
    notifications_recover_sending,
)

T0 = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


class WorkerKilled(BaseException):
    """Stands in for the process dying mid-task (not an Exception: nothing catches it)."""


@pytest.fixture
def texting(cast):
    NotificationPreference.objects.create(
        user=cast.coordinator, email=True, sms=True, in_app=True, phone="+12025550142"
    )
    return cast.coordinator


def _queue(recipient, channel):
    [row] = notification_queue(
        recipient=recipient,
        template="reminder",
        context={"headline": "Group at 6 pm"},
        link="/alerts/1/",
        channels=[channel],
    )
    return row


def _run_the_worker_for_an_hour(clock):
    for _ in range(12):
        clock.shift(timedelta(minutes=5))
        notifications_recover_sending()
        notifications_deliver_due()


def test_an_email_whose_worker_died_mid_send_is_marked_unknown_and_not_sent_again(
    cast, monkeypatch
):
    calls = []
    real_send = EmailBackend.send_messages

    def send_then_die(self, messages):
        calls.append([m.extra_headers["Message-ID"] for m in messages])
        real_send(self, messages)  # the server accepted it...
        raise WorkerKilled  # ...and the worker died before recording that

    with time_machine.travel(T0, tick=False) as clock:
        row = _queue(cast.coordinator, "email")
        monkeypatch.setattr(EmailBackend, "send_messages", send_then_die)
        with pytest.raises(WorkerKilled):
            notification_deliver(notification_id=row.id)
        monkeypatch.setattr(EmailBackend, "send_messages", real_send)
        row.refresh_from_db()
        assert (row.status, row.sending_at) == (Notification.Status.SENDING, T0)

        clock.shift(timedelta(minutes=4))
        assert notifications_recover_sending() == {"sent": 0, "queued": 0, "unknown": 0}
        assert notifications_deliver_due() == 0
        clock.shift(timedelta(minutes=1, seconds=1))
        assert notifications_recover_sending() == {"sent": 0, "queued": 0, "unknown": 1}
        _run_the_worker_for_an_hour(clock)

    row.refresh_from_db()
    assert row.status == Notification.Status.UNKNOWN
    assert row.get_status_display() == "Unknown \u2014 check"
    assert "Check with the provider or the recipient" in row.last_error
    assert calls == [[f"<notification-{row.id}@recoverypath>"]]  # exactly one provider call
    assert len(mail.outbox) == 1


def test_an_sms_the_gateway_has_is_marked_sent_by_its_message_id(
    texting, sms_gateway, settings, monkeypatch
):
    settings.SMS_STATUS_URL = sms_gateway.status_url
    real_send = HttpSmsProvider.send

    def send_then_die(self, **kwargs):
        real_send(self, **kwargs)
        raise WorkerKilled

    with time_machine.travel(T0, tick=False) as clock:
        row = _queue(texting, "sms")
        monkeypatch.setattr(HttpSmsProvider, "send", send_then_die)
        with pytest.raises(WorkerKilled):
            notification_deliver(notification_id=row.id)
        monkeypatch.undo()
        clock.shift(timedelta(minutes=6))
        assert notifications_recover_sending()["sent"] == 1
        _run_the_worker_for_an_hour(clock)

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.provider_message_id == f"gw-notification-{row.id}"
    assert sms_gateway.lookups == [f"notification-{row.id}"]
    assert len(sms_gateway.requests) == 1  # one POST: never sent again


def test_an_sms_the_gateway_never_got_is_sent_once_after_the_gateway_says_so(
    texting, sms_gateway, settings, monkeypatch
):
    settings.SMS_STATUS_URL = sms_gateway.status_url

    def die_before_the_request(self, **kwargs):
        raise WorkerKilled

    with time_machine.travel(T0, tick=False) as clock:
        row = _queue(texting, "sms")
        monkeypatch.setattr(HttpSmsProvider, "send", die_before_the_request)
        with pytest.raises(WorkerKilled):
            notification_deliver(notification_id=row.id)
        monkeypatch.undo()
        clock.shift(timedelta(minutes=6))
        assert notifications_recover_sending()["queued"] == 1
        _run_the_worker_for_an_hour(clock)

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 2)
    assert len(sms_gateway.delivered) == 1


def test_without_a_status_url_an_sms_is_left_for_a_person(texting, sms_gateway, monkeypatch):
    real_send = HttpSmsProvider.send

    def send_then_die(self, **kwargs):
        real_send(self, **kwargs)
        raise WorkerKilled

    with time_machine.travel(T0, tick=False) as clock:
        row = _queue(texting, "sms")
        monkeypatch.setattr(HttpSmsProvider, "send", send_then_die)
        with pytest.raises(WorkerKilled):
            notification_deliver(notification_id=row.id)
        monkeypatch.undo()
        _run_the_worker_for_an_hour(clock)
    row.refresh_from_db()
    assert row.status == Notification.Status.UNKNOWN
    assert len(sms_gateway.requests) == 1


def _unknown_email(cast, monkeypatch):
    def die(self, messages):
        raise WorkerKilled

    with time_machine.travel(T0, tick=False) as clock:
        row = _queue(cast.coordinator, "email")
        monkeypatch.setattr(EmailBackend, "send_messages", die)
        with pytest.raises(WorkerKilled):
            notification_deliver(notification_id=row.id)
        monkeypatch.undo()
        clock.shift(timedelta(minutes=6))
        notifications_recover_sending()
    row.refresh_from_db()
    assert row.status == Notification.Status.UNKNOWN
    return row


def test_a_person_who_checked_marks_it_delivered(cast, monkeypatch):
    row = _unknown_email(cast, monkeypatch)
    assert notification_resolve_unknown(actor=cast.admin, notification_ids=[row.id], delivered=True)
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert notifications_deliver_due() == 0
    assert len(mail.outbox) == 0
    event = AuditEvent.objects.get(object_type="notifications.notification")
    assert (event.actor, event.changes) == (cast.admin, {"status": ["unknown", "sent"]})


def test_a_person_who_checked_sends_it_again_once(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    row = _unknown_email(cast, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        changed = notification_resolve_unknown(
            actor=cast.admin, notification_ids=[row.id], delivered=False
        )
    assert changed == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
    # Settling again changes nothing: only unknown rows can be settled.
    assert (
        notification_resolve_unknown(actor=cast.admin, notification_ids=[row.id], delivered=False)
        == 0
    )


def test_unknown_rows_are_listed_in_the_admin_for_a_person(cast, monkeypatch, client):
    row = _unknown_email(cast, monkeypatch)
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    page = client.get("/admin/notifications/notification/", {"status__exact": "unknown"})
    assert page.status_code == 200
    assert "Unknown \u2014 check" in page.content.decode()
    response = client.post(
        "/admin/notifications/notification/",
        {"action": "mark_delivered", "_selected_action": [row.id]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
