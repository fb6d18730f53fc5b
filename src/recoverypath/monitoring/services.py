"""Writes for daily monitoring: check-ins, lapses, the restart question, milestones, meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from recoverypath.alerts.services import alert_raise
from recoverypath.clients.sobriety import Milestone, milestones_reached, sobriety_restart
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.hooks.checkins import rule_input_expressions
from recoverypath.core.timezones import local_today

from . import selectors, signals
from .models import (
    CHECK_IN_ANSWERS,
    COPING_KEYS,
    SUBSTANCE_KEYS,
    SUBSTANCES,
    TRIGGER_KEYS,
    CheckIn,
    Lapse,
    MeetingAttendance,
    MilestoneCelebration,
)
from .permissions import (
    can_answer_restart,
    can_log_meeting,
    can_record_lapse,
    can_request_reach_out,
    can_submit_check_in,
)
from .upsert import check_in_upsert_row

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.alerts.models import Alert
    from recoverypath.clients.models import Client

MAX_DAYS_BACK = 3
CHECK_IN_FIELDS = list(CHECK_IN_ANSWERS)
SHEET_MAX_BYTES = 5 * 1024 * 1024
SHEET_TYPES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"%PDF-": "pdf"}


@dataclass(frozen=True)
class CheckInResult:
    check_in: CheckIn
    created: bool
    lapse: Lapse | None


def _int_in(errors: dict, name: str, value: Any, low: int, high: int, label: str) -> int | None:
    if value is None or value == "":
        errors[name] = "This field is required."
        return None
    if isinstance(value, bool):
        errors[name] = f"Enter a whole number from {low} to {high}."
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = f"Enter a whole number from {low} to {high}."
        return None
    if str(number) != str(value).strip() and not isinstance(value, int):
        errors[name] = f"Enter a whole number from {low} to {high}."
        return None
    if not low <= number <= high:
        errors[name] = f"{label} must be from {low} to {high}."
        return None
    return number


def _choices(errors: dict, name: str, values: Any, allowed: frozenset[str]) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str) or not isinstance(values, list | tuple):
        errors[name] = "Send a list."
        return []
    # Only strings can be choices: a nested list or an object is unknown, not a crash.
    unknown = [v for v in values if not isinstance(v, str) or v not in allowed]
    if unknown:
        errors[name] = f"Unknown choice: {', '.join(map(str, unknown[:3]))}."
        return []
    return sorted(set(values))


def check_in_validate(*, client: Client, data: dict[str, Any]) -> dict[str, Any]:
    """Clean a submission. Raises ValidationError with a message per field."""
    errors: dict[str, str] = {}
    today = local_today(client.time_zone)
    day = data.get("date") or today
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            errors["date"] = "Enter a date as YYYY-MM-DD."
            day = today
    if day > today:
        errors["date"] = "A check-in cannot be for a future day."
    elif day < today - timedelta(days=MAX_DAYS_BACK):
        errors["date"] = f"A check-in can be at most {MAX_DAYS_BACK} days back."
    clean: dict[str, Any] = {"date": day}
    clean["mood"] = _int_in(errors, "mood", data.get("mood"), 1, 5, "Mood")
    clean["craving"] = _int_in(errors, "craving", data.get("craving"), 0, 10, "Craving")
    clean["stress"] = _int_in(errors, "stress", data.get("stress"), 0, 10, "Stress")
    sleep = data.get("sleep_hours")
    try:
        hours = Decimal(str(sleep)).quantize(Decimal("0.1")) if sleep not in (None, "") else None
    except (InvalidOperation, ValueError):
        hours = None
        errors["sleep_hours"] = "Enter hours of sleep, e.g. 7 or 7.5."
    if hours is None and "sleep_hours" not in errors:
        errors["sleep_hours"] = "This field is required."
    elif hours is not None and not Decimal(0) <= hours <= Decimal(24):
        errors["sleep_hours"] = "Sleep must be from 0 to 24 hours."
    clean["sleep_hours"] = hours
    used = data.get("used")
    if not isinstance(used, bool):  # unanswered is refused: never taken for "no"
        errors["used"] = "Answer yes or no."
        used = False
    clean["used"] = used
    clean["substances"] = _choices(errors, "substances", data.get("substances"), SUBSTANCE_KEYS)
    if used and not clean["substances"] and "substances" not in errors:
        errors["substances"] = "Tell us what you used (Other is fine)."
    if not used:
        clean["substances"] = []
    clean["triggers"] = _choices(errors, "triggers", data.get("triggers"), TRIGGER_KEYS)
    clean["coping"] = _choices(errors, "coping", data.get("coping"), COPING_KEYS)
    clean["trigger_other"] = str(data.get("trigger_other") or "").strip()
    if len(clean["trigger_other"]) > 200:
        errors["trigger_other"] = "Keep this under 200 characters."
    clean["note"] = str(data.get("note") or "").strip()
    if len(clean["note"]) > 2000:
        errors["note"] = "Keep the note under 2000 characters."
    if errors:
        raise ValidationError(errors)
    return clean


def check_in_submit(*, actor: User, client: Client, **data: Any) -> CheckInResult:
    """Record the client's check-in for their local day (today unless `date` is given).

    1. only the client themself may submit; values are validated field by field;
    2. one read of the client's latest check-ins up to that day (with what the rules registered
       in core.hooks.checkins), then one upsert: the same day again updates that day's row
       (never another day's); concurrent submissions are serialized by the database;
    3. one audit row, before -> after (when another submission of the day landed between the
       read and the upsert, the event says so and records the values stored);
    4. a reported use records (or updates) that day's Lapse;
    5. `check_in_submitted` (with `recent`: the new row first, then the older ones, and the
       rules' `inputs`) / `lapse_recorded`, in the same transaction.
    No savepoint: nothing in here is retried inside the transaction.
    """
    if not can_submit_check_in(actor, client):
        raise PermissionDenied("Only the client can submit their own check-in.")
    clean = check_in_validate(client=client, data=data)
    day = clean.pop("date")
    inputs = rule_input_expressions(client)
    with transaction.atomic(savepoint=False):
        recent = selectors.check_in_recent_for_submit(
            client=client, until=day, limit=signals.RECENT_FOR_RULES, inputs=inputs
        )
        previous = recent[0] if recent and recent[0].date == day else None
        check_in = check_in_upsert_row(client=client, day=day, values=clean)
        created = check_in.revision == 1
        after = snapshot(check_in, CHECK_IN_FIELDS)
        if check_in.revision == (previous.revision + 1 if previous else 1):
            before = snapshot(previous, CHECK_IN_FIELDS) if previous else {}
            changes = model_changes(before, after)
        else:  # another submission of this day came first: its own event holds what it stored
            changes = {**model_changes({}, after), "concurrent_submission": [None, True]}
        audit_record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            obj=check_in,
            client_id=client.id,
            organization_id=client.organization_id,
            changes=changes,
        )
        lapse = None
        lapse_created = False
        if check_in.used:
            lapse, lapse_created = _lapse_upsert(actor=actor, client=client, check_in=check_in)
        signals.check_in_submitted.send(
            CheckIn,
            check_in=check_in,
            created=created,
            recent=[check_in, *(row for row in recent if row.date != day)],
            inputs={name: getattr(recent[0], name) if recent else None for name in inputs},
        )
        if lapse is not None:
            signals.lapse_recorded.send(Lapse, lapse=lapse, created=lapse_created)
    return CheckInResult(check_in, created, lapse)


REACH_OUT_KIND = "monitoring.reach_out_requested"


def reach_out_request(*, actor: User, client: Client, check_in: CheckIn) -> Alert:
    """The client tapped "Tell my coordinator" on the result of a hard check-in (see
    selectors.check_in_is_hard_day). Raises a `high` alert to the care team at once.

    Only the client themself, on their own check-in (PermissionDenied). Each tap on the same
    check-in is the same request (a double tap): the key names the check-in.
    """
    if not can_request_reach_out(actor, client, check_in):
        raise PermissionDenied("Only the client can ask their coordinator to reach out.")
    what = []
    if check_in.craving >= selectors.HARD_DAY_CRAVING:
        what.append(f"craving {check_in.craving} of 10")
    if check_in.mood <= selectors.HARD_DAY_MOOD:
        what.append(f"mood {check_in.mood} of 5")
    if check_in.used:
        what.append("reported use")
    detail = f" ({', '.join(what)})" if what else ""
    with transaction.atomic():
        alert = alert_raise(
            client=client,
            kind=REACH_OUT_KIND,
            severity="high",
            reason=(
                f"{client.display_name} asked their coordinator to reach out after their "
                f"check-in of {check_in.date:%b} {check_in.date.day}{detail}. Call them today."
            ),
            dedup_key=f"{REACH_OUT_KIND}:check-in:{check_in.id}",
            source=check_in,
            source_url=reverse("monitoring:staff_check_ins", kwargs={"client_id": client.id}),
            actor=actor,
        )
    return alert


def _lapse_upsert(*, actor: User, client: Client, check_in: CheckIn) -> tuple[Lapse, bool]:
    labels = dict(SUBSTANCES)
    with translation.override(settings.LANGUAGE_CODE):  # the staff's record is in English
        substance = ", ".join(str(labels.get(s, s)) for s in check_in.substances)
    context_parts = [labels_for_triggers(check_in.triggers), check_in.trigger_other, check_in.note]
    context = " · ".join(p for p in context_parts if p)[:2000]
    existing = Lapse.objects.select_for_update().filter(client=client, date=check_in.date).first()
    created = existing is None
    if existing is None:
        lapse = Lapse.objects.create(
            client=client,
            date=check_in.date,
            substance=substance,
            context=context,
            check_in=check_in,
        )
    else:
        lapse = existing
        lapse.substance, lapse.context, lapse.check_in = substance, context, check_in
        lapse.save(update_fields=["substance", "context", "check_in"])
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=lapse,
        client_id=client.id,
        organization_id=client.organization_id,
        changes={"substance": [None, substance], "date": [None, check_in.date.isoformat()]},
    )
    return lapse, created


def labels_for_triggers(keys: list[str]) -> str:
    from .models import TRIGGERS

    names = dict(TRIGGERS)
    with translation.override(settings.LANGUAGE_CODE):  # the staff's record is in English
        return ", ".join(str(names.get(k, k)) for k in keys)


def lapse_record(
    *, actor: User, client: Client, day: date, substance: str, context: str = ""
) -> Lapse:
    """A lapse told to staff (not through a check-in). Coordinators and above."""
    if not can_record_lapse(actor, client):
        raise PermissionDenied("You cannot record a lapse for this client.")
    if day > local_today(client.time_zone):
        raise ValidationError({"date": "The date cannot be in the future."})
    if not substance.strip():
        raise ValidationError({"substance": "Name the substance."})
    with transaction.atomic():
        lapse, created = Lapse.objects.update_or_create(
            client=client,
            date=day,
            defaults={"substance": substance.strip()[:200], "context": context[:2000]},
        )
        audit_record(
            actor=actor,
            action=Action.CREATE if created else Action.UPDATE,
            obj=lapse,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={"substance": [None, lapse.substance], "date": [None, day.isoformat()]},
        )
        signals.lapse_recorded.send(Lapse, lapse=lapse, created=created)
    return lapse


def lapse_answer_restart(
    *, actor: User, lapse: Lapse, restart: bool, from_lapse_day: bool = False
) -> Lapse:
    """The client's answer to "restart your counter?". Either way the lapse stays on record.
    Restarting closes the current streak on the lapse day and counts again from the day after
    it, or from the lapse day when the client chooses (clients.sobriety.sobriety_restart)."""
    client = lapse.client
    if not can_answer_restart(actor, lapse):
        raise PermissionDenied("Only the client decides about their counter.")
    with transaction.atomic():
        locked = Lapse.objects.select_for_update().get(pk=lapse.pk)
        if locked.counter_restarted is not None:
            return locked  # answered already (double tap): nothing more to do
        if restart and (client.sobriety_date is None or client.sobriety_date <= locked.date):
            sobriety_restart(
                actor=actor,
                client=client,
                lapse_date=locked.date,
                reason="Lapse reported",
                from_lapse_day=from_lapse_day,
            )
        locked.counter_restarted = restart
        locked.save(update_fields=["counter_restarted"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=locked,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={"counter_restarted": [None, restart]},
        )
    return locked


def milestone_celebrate_due(*, client: Client) -> Milestone | None:
    """The newest milestone of the current streak not yet celebrated, marked as celebrated so it
    shows exactly once (older unseen ones are marked too). None when there is nothing new."""
    if client.sobriety_date is None:
        return None
    reached = milestones_reached(client.sobriety_date, local_today(client.time_zone))
    if not reached:
        return None
    seen = set(
        MilestoneCelebration.objects.filter(
            client=client, streak_start=client.sobriety_date
        ).values_list("key", flat=True)
    )
    new = [m for m in reached if m.key not in seen]
    if not new:
        return None
    with translation.override(settings.LANGUAGE_CODE):  # the stored label is in English
        rows = [
            MilestoneCelebration(
                client=client,
                streak_start=client.sobriety_date,
                key=m.key,
                label=str(m.label),
                reached_on=m.reached_on,
            )
            for m in new
        ]
    MilestoneCelebration.objects.bulk_create(rows, ignore_conflicts=True)
    return new[-1]


def _sheet_check(upload) -> None:
    if upload.size > SHEET_MAX_BYTES:
        raise ValidationError({"sheet": "The photo must be 5 MB or smaller."})
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in SHEET_TYPES):
        raise ValidationError({"sheet": "Upload a JPEG or PNG photo, or a PDF."})


def meeting_record(
    *,
    actor: User,
    client: Client,
    day: date,
    meeting_type: str,
    meeting_name: str = "",
    signature: str = "",
    sheet=None,
) -> MeetingAttendance:
    """Log a support-group meeting; optional verification by signature or meeting-sheet photo."""
    if not can_log_meeting(actor, client):
        raise PermissionDenied("You cannot log meetings for this client.")
    errors = {}
    if day > local_today(client.time_zone):
        errors["date"] = "A meeting cannot be in the future."
    if meeting_type not in MeetingAttendance.MeetingType.values:
        errors["meeting_type"] = "Choose AA, NA, SMART Recovery or Other."
    if errors:
        raise ValidationError(errors)
    if sheet:
        _sheet_check(sheet)
    verification = MeetingAttendance.Verification.NONE
    if sheet:
        verification = MeetingAttendance.Verification.PHOTO
    elif signature.strip():
        verification = MeetingAttendance.Verification.SIGNATURE
    with transaction.atomic():
        meeting = MeetingAttendance.objects.create(
            client=client,
            date=day,
            meeting_type=meeting_type,
            meeting_name=meeting_name.strip()[:200],
            signature=signature.strip()[:200],
            verification=verification,
            recorded_by=actor,
        )
        if sheet:
            meeting.sheet.save(sheet.name or "sheet", sheet, save=True)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=meeting,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={"meeting_type": [None, meeting_type], "verification": [None, verification]},
        )
    return meeting
