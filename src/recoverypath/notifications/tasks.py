"""Worker jobs: thin wrappers over services, taking ids."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def notification_deliver_task(notification_id: int) -> None:
    services.notification_deliver(notification_id=notification_id)


@db_task()
def notifications_deliver_many_task(notification_ids: list[int]) -> None:
    """A bulk write's rows (a nightly job's alerts), one enqueue for many: each row is still
    claimed and sent on its own (notification_deliver)."""
    for notification_id in notification_ids:
        services.notification_deliver(notification_id=notification_id)


@db_periodic_task(crontab(minute="*"))
def notifications_deliver_due_task() -> None:
    """Catches rows whose enqueue was lost, retries that are due, and ends of quiet hours."""
    services.notifications_deliver_due()


@db_periodic_task(crontab(minute="*"))
def notifications_recover_sending_task() -> None:
    """Resolves rows a dead worker left `sending`: by asking the provider, else for a person."""
    services.notifications_recover_sending()


@db_periodic_task(crontab(minute="*"))
def reminders_send_due_task() -> None:
    services.reminders_send_due()
