"""Coordinator check-ins: the one-on-ones a plan schedules, their outcomes and reminders."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from recoverypath.core.audit import Action

from .. import signals
from ..models import (
    AftercarePlan,
    CoordinatorCheckIn,
)
from .shared import audit as _audit
from .shared import require_coordination as _require_coordination

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

Status = AftercarePlan.Status
CHECKIN_HOUR = time(10, 0)


def remind(item: CoordinatorCheckIn) -> None:
    """Remind the client (if they have a login) the day before a coordinator check-in; the
    message carries only a link, no health information."""
    from recoverypath.notifications.services import reminder_schedule

    client = item.client
    at = item.scheduled_at - timedelta(days=1)
    if client.user_id is None or at <= timezone.now():
        return
    recipient = client.user
    if recipient is None:
        return
    reminder_schedule(
        recipient=recipient,
        at=at,
        template="reminder",
        context={
            # Kept in English, written in the client's language when sent (reminder/in_app.txt).
            "headline": gettext_noop("Reminder: a check-in with your coordinator tomorrow."),
            "link": reverse("clients:me"),
        },
        dedup_key=f"aftercare:coordinator-check-in:{item.id}",
    )


def forget_reminders(items) -> None:
    from recoverypath.notifications.selectors import reminders_pending
    from recoverypath.notifications.services import reminder_cancel

    keys = [f"aftercare:coordinator-check-in:{item.id}" for item in items]
    for reminder in reminders_pending(dedup_keys=keys):
        reminder_cancel(reminder=reminder)


def checkin_at(plan: AftercarePlan, day: date) -> datetime:
    zone = ZoneInfo(plan.client.time_zone or plan.program.time_zone)
    return datetime.combine(day, CHECKIN_HOUR, tzinfo=zone)


def coordinator_check_in_schedule(
    *, actor: User, plan: AftercarePlan, at: datetime
) -> CoordinatorCheckIn:
    _require_coordination(actor, plan.client)
    if timezone.is_naive(at):
        raise ValidationError({"scheduled_at": "Give a time with its time zone."})
    with transaction.atomic():
        item = CoordinatorCheckIn.objects.create(
            plan=plan, client=plan.client, coordinator=plan.coordinator or actor, scheduled_at=at
        )
        remind(item)
        _audit(actor, item, plan.client, Action.CREATE, {"scheduled_at": [None, at.isoformat()]})
    return item


def coordinator_check_in_record(
    *, actor: User, check_in: CoordinatorCheckIn, status: str, note: str = ""
) -> CoordinatorCheckIn:
    """Record the outcome of a scheduled one-on-one (attended, missed, cancelled). An attended or
    missed one schedules the next per the plan's cadence while the plan is active."""
    plan = check_in.plan
    _require_coordination(actor, plan.client)
    with transaction.atomic():
        item = CoordinatorCheckIn.objects.select_for_update().get(pk=check_in.pk)
        if status not in CoordinatorCheckIn.ALLOWED_TRANSITIONS[item.status]:
            raise ValidationError({"status": f"A {item.status} check-in cannot become {status}."})
        before = item.status
        item.status, item.note, item.recorded_at = status, note.strip(), timezone.now()
        item.save(update_fields=["status", "note", "recorded_at"])
        _audit(actor, item, plan.client, Action.UPDATE, {"status": [before, status]})
        if status == CoordinatorCheckIn.Status.CANCELLED:
            forget_reminders([item])
        if status != CoordinatorCheckIn.Status.CANCELLED and plan.status == Status.ACTIVE:
            nxt = item.scheduled_at + timedelta(days=plan.checkin_every_days)
            if (
                nxt.date() <= plan.end_date
                and not CoordinatorCheckIn.objects.filter(
                    plan=plan, status=CoordinatorCheckIn.Status.SCHEDULED
                ).exists()
            ):
                remind(
                    CoordinatorCheckIn.objects.create(
                        plan=plan,
                        client=plan.client,
                        coordinator=item.coordinator,
                        scheduled_at=nxt,
                    )
                )
        signals.coordinator_check_in_recorded.send(CoordinatorCheckIn, check_in=item)
    return item
