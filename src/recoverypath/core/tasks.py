"""Worker jobs of the shared base: thin wrappers over services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .idempotency import idempotency_purge


@db_periodic_task(crontab(minute="7"))
def idempotency_purge_task() -> None:
    """Forget Idempotency-Key answers older than 24 hours (they hold response bodies)."""
    idempotency_purge()
