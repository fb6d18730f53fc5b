"""The daily early-warning job: clear what is over, then the absence rules (no check-in, low
adherence)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .clearing import warnings_clear_run
from .services import absence_rules_run


@db_periodic_task(crontab(hour="11", minute="5"))  # ~6-7 am in US zones: before the day starts
def absence_rules_daily():
    """First resolve the warnings that are no longer true, then raise today's."""
    warnings_clear_run()
    return absence_rules_run().raised


@db_task()
def absence_rules_for_clients(client_ids: list[int]):
    return absence_rules_run(client_ids=client_ids).raised
