"""Coordinator check-ins: the one-on-ones a plan schedules, their outcomes and reminders."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from recoverypath.core.audit import Action
from recoverypath.core.modality import Modality, join_details_check

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


REMINDER_PREFIX = "aftercare:coordinator-check-in:"


def reminder_key(item: CoordinatorCheckIn) -> str:
    return f"{REMINDER_PREFIX}{item.id}"


def _when(item: CoordinatorCheckIn, recipient: User) -> dict[str, str]:
    from recoverypath.notifications.language import recipient_language

    zone = ZoneInfo(recipient.display_time_zone or item.plan.program.time_zone)
    local = item.scheduled_at.astimezone(zone)
    with translation.override(recipient_language(recipient)):
        return {
            "day": formats.date_format(local, "SHORT_DATE_FORMAT"),
            "time": formats.time_format(local, "TIME_FORMAT"),
        }


def remind(item: CoordinatorCheckIn) -> None:
    """Remind both sides of a coordinator check-in, the program's lead time before it (a day by
    default): the client (if they have a login) and the coordinator. E-mail and SMS carry only a
    link; the in-app text names the day and time (and, for the coordinator, the client). One
    key per check-in, so scheduling again moves the reminders; nothing when the program has
    switched these reminders off or the moment has passed."""
    from recoverypath.notifications.reminder_config import ReminderKind
    from recoverypath.notifications.selectors import reminder_config
    from recoverypath.notifications.services import reminder_schedule

    config = reminder_config(
        program_id=item.plan.program_id, kind=ReminderKind.COORDINATOR_CHECK_IN
    )
    at = config.before(item.scheduled_at, item.plan.program.time_zone)
    if not config.enabled or at <= timezone.now():
        return
    client = item.client
    if client.user_id is not None and client.user is not None:
        reminder_schedule(
            recipient=client.user,
            at=at,
            template="aftercare.check_in_reminder",
            context={**_when(item, client.user), "link": reverse("clients:me")},
            dedup_key=reminder_key(item),
        )
    coordinator = item.coordinator
    if coordinator is not None:
        reminder_schedule(
            recipient=coordinator,
            at=at,
            template="aftercare.check_in_reminder_staff",
            context={
                **_when(item, coordinator),
                "client_name": client.display_name,
                "link": reverse("aftercare:plan", kwargs={"plan_id": item.plan_id}),
            },
            dedup_key=reminder_key(item),
        )


def forget_reminders(items) -> None:
    from recoverypath.notifications.selectors import reminders_pending
    from recoverypath.notifications.services import reminder_cancel

    keys = [reminder_key(item) for item in items]
    for reminder in reminders_pending(dedup_keys=keys):
        reminder_cancel(reminder=reminder)


def coordinator_check_in_reminder_wanted(*, dedup_key: str, recipient_id: int) -> bool:
    """At send time: the check-in is still scheduled and ahead, the recipient is still its
    client or coordinator, and the program still sends these reminders."""
    from recoverypath.notifications.reminder_config import ReminderKind
    from recoverypath.notifications.selectors import reminder_config

    from ..selectors import coordinator_check_in_for_reminder

    try:
        item_id = int(dedup_key.removeprefix(REMINDER_PREFIX))
    except ValueError:
        return False
    item = coordinator_check_in_for_reminder(check_in_id=item_id)
    if item is None or item.status != CoordinatorCheckIn.Status.SCHEDULED:
        return False
    if item.scheduled_at <= timezone.now():
        return False
    if recipient_id not in (item.client.user_id, item.coordinator_id):
        return False
    config = reminder_config(
        program_id=item.plan.program_id, kind=ReminderKind.COORDINATOR_CHECK_IN
    )
    return config.enabled


def checkin_at(plan: AftercarePlan, day: date) -> datetime:
    zone = ZoneInfo(plan.client.time_zone or plan.program.time_zone)
    return datetime.combine(day, CHECKIN_HOUR, tzinfo=zone)


def coordinator_check_in_schedule(
    *,
    actor: User,
    plan: AftercarePlan,
    at: datetime,
    modality: str = Modality.IN_PERSON,
    join_url: str = "",
    call_details: str = "",
) -> CoordinatorCheckIn:
    """Schedule a one-on-one at `at`, in person, by video (an https `join_url` required) or
    by phone (`call_details`: the number to call). Raises PermissionDenied, ValidationError."""
    _require_coordination(actor, plan.client)
    if timezone.is_naive(at):
        raise ValidationError({"scheduled_at": "Give a time with its time zone."})
    join_url, call_details = join_details_check(
        modality=modality, join_url=join_url, call_details=call_details
    )
    with transaction.atomic():
        item = CoordinatorCheckIn.objects.create(
            plan=plan,
            client=plan.client,
            coordinator=plan.coordinator or actor,
            scheduled_at=at,
            modality=modality,
            join_url=join_url,
            call_details=call_details,
        )
        remind(item)
        _audit(
            actor,
            item,
            plan.client,
            Action.CREATE,
            {"scheduled_at": [None, at.isoformat()], "modality": [None, modality]},
        )
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
                        modality=item.modality,
                        join_url=item.join_url,
                        call_details=item.call_details,
                    )
                )
        signals.coordinator_check_in_recorded.send(CoordinatorCheckIn, check_in=item)
    return item
