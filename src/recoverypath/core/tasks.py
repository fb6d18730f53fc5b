"""Worker jobs of the shared base: thin wrappers over services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .idempotency import idempotency_purge
from .partitioning import partitions_ensure


@db_periodic_task(crontab(minute="7"))
def idempotency_purge_task() -> None:
    """Forget Idempotency-Key answers older than 24 hours (they hold response bodies)."""
    idempotency_purge()


@db_periodic_task(crontab(hour="1", minute="41"))
def partitions_ensure_task() -> None:
    """On PostgreSQL, keep this month's and the next months' partitions of the tables that grow by
    day ready (a nightly no-op once they exist; nothing on SQLite)."""
    partitions_ensure()
