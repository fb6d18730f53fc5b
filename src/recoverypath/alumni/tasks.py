"""Worker jobs: thin wrappers over services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/15"))
def event_reminders_task() -> None:
    services.event_reminders_send_due()
