"""Periodic jobs of the discharge app: thin wrappers over services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="11", minute="15"))
def discharge_readiness_alerts() -> int:
    """Daily (11:15 UTC, morning in US zones): alerts for plans graduating soon with items open."""
    return services.readiness_alerts_raise()
