"""Worker jobs of interop: thin wrappers over its services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .fhir import bulk


@db_task()
def bulk_export_run(export_id: str) -> None:
    """Run one FHIR bulk export (queued by its kick-off)."""
    bulk.export_run(export_id=export_id)


@db_periodic_task(crontab(minute="23"))
def bulk_exports_purge() -> int:
    """Hourly: delete the files of exports past their retention period."""
    return bulk.exports_purge()
