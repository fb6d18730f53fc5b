"""Worker jobs: thin wrappers over services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/15"))
def draws_run_due_task() -> None:
    """Each program's local day is drawn once, in its first quarter hour."""
    services.draws_run_due()


@db_periodic_task(crontab(minute="*/5"))
def reminders_send_due_task() -> None:
    services.reminders_send_due()


@db_periodic_task(crontab(minute="*/5"))
def no_shows_close_task() -> None:
    services.no_shows_close()
