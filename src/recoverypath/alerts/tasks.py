"""Worker jobs for alerts: thin wrappers over services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def alerts_escalate_overdue_task() -> None:
    services.alerts_escalate_overdue()
