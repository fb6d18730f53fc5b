"""The worker's jobs: declared in each app's tasks.py, every minute, wired to the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail

from recoverypath.alerts.tasks import alerts_escalate_overdue_task
from recoverypath.notifications.models import Notification
from recoverypath.notifications.services import notification_queue, reminder_schedule
from recoverypath.notifications.tasks import (
    notifications_deliver_due_task,
    notifications_recover_sending_task,
    reminders_send_due_task,
)

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_the_periodic_jobs_run_every_minute():
    for job in (
        alerts_escalate_overdue_task,
        notifications_deliver_due_task,
        notifications_recover_sending_task,
        reminders_send_due_task,
    ):
        assert all(job.s().validate_datetime(T0 + timedelta(minutes=m)) for m in range(0, 120, 7))


def test_the_jobs_deliver_due_reminders_and_queued_rows(cast):
    reminder_schedule(
        recipient=cast.client_user, at=T0, template="reminder", context={"link": "/me/"}
    )
    with time_machine.travel(T0, tick=False):
        notification_queue(recipient=cast.coordinator, template="reminder", channels=["email"])
        reminders_send_due_task()
        notifications_deliver_due_task()
    assert Notification.objects.filter(status="queued").count() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.client_user.email, cast.coordinator.email]
    )


def test_the_escalation_job_escalates(cast, raise_alert):
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="critical")
        clock.shift(timedelta(minutes=15))
        alerts_escalate_overdue_task()
    alert.refresh_from_db()
    assert alert.escalation_level == 1
