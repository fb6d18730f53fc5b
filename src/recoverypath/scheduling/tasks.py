"""Periodic jobs: thin wrappers over services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_periodic_task(crontab(hour="2", minute="15"))
def sessions_generate_nightly() -> int:
    """Keep every active group's sessions generated for the rolling window."""
    return services.sessions_generate_window()


@db_task()
def group_sessions_generate(group_id: int) -> int:
    from .models import Group

    group = Group.objects.select_related("program").filter(pk=group_id).first()
    return services.sessions_generate(group=group) if group else 0


@db_periodic_task(crontab(minute="*/15"))
def session_reminders_schedule_task() -> int:
    """Schedule the reminders of sessions in the next 48 hours (group sessions are generated
    weeks ahead; their reminders only when near). Idempotent."""
    return services.session_reminders_schedule_upcoming()
