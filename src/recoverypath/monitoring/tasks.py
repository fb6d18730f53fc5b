"""Periodic jobs: thin wrappers over the app's writes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import reminders


@db_periodic_task(crontab(minute="*/15"))
def check_in_reminders_schedule_task() -> int:
    """Schedule each client's next daily check-in reminder and the missed check-in nudge."""
    return reminders.check_in_reminders_schedule()
