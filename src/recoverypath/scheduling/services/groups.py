"""Recurring groups, the sessions generated from their rules, and program holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.modality import tags_check
from recoverypath.core.timezones import local_today
from recoverypath.notifications.services import reminders_cancel_by_prefix

from ..models import (
    Group,
    Holiday,
    Session,
)
from ..permissions import can_manage_groups, can_manage_holidays
from .reminders import session_reminder_prefix
from .sessions import _check_join, _check_room, _check_staff

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User

ROLLING_WINDOW_DAYS = 28
HOLIDAY_NAME_MAX = 100  # Holiday.name's length
GROUP_FIELDS = [
    "name",
    "session_type",
    "track",
    "facilitator",
    "room",
    "modality",
    "telehealth_url",
    "call_details",
    "tags",
    "capacity",
    "rrule",
    "start_date",
    "start_time",
    "duration_minutes",
    "end_date",
    "is_active",
]


def group_create(*, actor: User, program: Program, **data: Any) -> Group:
    """Create a recurring group and generate its sessions for the rolling window."""
    if not can_manage_groups(actor, program.id):
        raise PermissionDenied("Only clinicians and admins create groups.")
    unknown = set(data) - set(GROUP_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    _check_staff(program, data.get("facilitator"), "facilitator")
    _check_room(program, data.get("room"))
    data["modality"], data["telehealth_url"], data["call_details"] = _check_join(
        modality=data.get("modality"),
        room=data.get("room"),
        telehealth_url=data.get("telehealth_url") or "",
        call_details=data.get("call_details") or "",
    )
    data["tags"] = tags_check(data.get("tags"))
    group = Group(program=program, **data)
    group.full_clean(exclude=["program", "facilitator", "room"])
    with transaction.atomic():
        group.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=group,
            organization_id=program.organization_id,
            changes=model_changes({}, snapshot(group, GROUP_FIELDS)),
        )
        sessions_generate(group=group)
    return group


def group_update(*, actor: User, group: Group, **data: Any) -> Group:
    """Change a group. A new rule, time or duration regenerates its future unmoved sessions
    that have no attendance; a larger capacity fills places from the waitlist."""
    from .enrollment import waitlist_fill

    if not can_manage_groups(actor, group.program_id):
        raise PermissionDenied("Only clinicians and admins change groups.")
    unknown = set(data) - set(GROUP_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    if "facilitator" in data:
        _check_staff(group.program, data["facilitator"], "facilitator")
    if "room" in data:
        _check_room(group.program, data["room"])
    if {"modality", "room", "telehealth_url", "call_details"} & set(data):
        room = data.get("room", group.room)
        data["modality"], data["telehealth_url"], data["call_details"] = _check_join(
            modality=data.get("modality", group.modality),
            room=room,
            telehealth_url=data.get("telehealth_url", group.telehealth_url) or "",
            call_details=data.get("call_details", group.call_details) or "",
        )
    if "tags" in data:
        data["tags"] = tags_check(data["tags"])
    before = snapshot(group, GROUP_FIELDS)
    for name, value in data.items():
        setattr(group, name, value)
    group.full_clean(exclude=["program", "facilitator", "room"])
    changes = model_changes(before, snapshot(group, GROUP_FIELDS))
    regenerate = {"rrule", "start_date", "start_time", "duration_minutes", "end_date"} & set(
        changes
    )
    with transaction.atomic():
        group.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=group,
            organization_id=group.program.organization_id,
            changes=changes,
        )
        future = group.sessions.filter(starts_at__gt=timezone.now(), moved=False)
        if regenerate or "is_active" in changes:
            future.filter(attendance__isnull=True, notes__isnull=True).delete()
            group.generated_until = None
            group.save(update_fields=["generated_until"])
        if {"facilitator", "room", "modality", "telehealth_url", "call_details"} & set(changes):
            future.update(
                facilitator=group.facilitator,
                room=group.room,
                modality=group.modality,
                telehealth_url=group.telehealth_url,
                call_details=group.call_details,
                sequence=F("sequence") + 1,
                updated_at=timezone.now(),
            )
        if group.is_active:
            sessions_generate(group=group)
        if "capacity" in changes:
            waitlist_fill(group=group)
    return group


def sessions_generate(*, group: Group, until: date | None = None, today: date | None = None) -> int:
    """Create the group's sessions from its RFC 5545 rule up to `until` (default: today + the
    rolling window). Returns how many were created.

    1. expand the rule in the program's local wall time (a naive DTSTART = start date + time),
       so 09:00 stays 09:00 on both sides of a daylight-saving change;
    2. skip the program's holidays and dates that already have a session (moved or cancelled
       ones included: regenerating never undoes a person's change);
    3. convert each local start to UTC for storage; the end is start + duration.
    """
    program = group.program
    zone = ZoneInfo(program.time_zone)
    today = today or local_today(program.time_zone)
    until = until or today + timedelta(days=ROLLING_WINDOW_DAYS)
    if group.end_date:
        until = min(until, group.end_date)
    first = max(group.start_date, today)
    if not group.is_active or until < first:
        return 0
    rule = rrulestr(
        group.rrule.removeprefix("RRULE:"),
        dtstart=datetime.combine(group.start_date, group.start_time),
        ignoretz=True,
    )
    occurrences = rule.between(
        datetime.combine(first, time.min),
        datetime.combine(until, time.max),
        inc=True,
    )
    holidays = set(
        Holiday.objects.filter(program=program, date__range=(first, until)).values_list(
            "date", flat=True
        )
    )
    taken = set(
        group.sessions.filter(occurrence_date__range=(first, until)).values_list(
            "occurrence_date", flat=True
        )
    )
    new = []
    for wall in occurrences:
        day = wall.date()
        if day in holidays or day in taken:
            continue
        starts_at = wall.replace(tzinfo=zone).astimezone(UTC)
        new.append(
            Session(
                program=program,
                group=group,
                session_type=group.session_type,
                facilitator_id=group.facilitator_id,
                room_id=group.room_id,
                modality=group.modality,
                telehealth_url=group.telehealth_url,
                call_details=group.call_details,
                starts_at=starts_at,
                ends_at=starts_at + group.duration,
                occurrence_date=day,
            )
        )
    Session.objects.bulk_create(new, ignore_conflicts=True)
    if group.generated_until is None or group.generated_until < until:
        group.generated_until = until
        group.save(update_fields=["generated_until"])
    return len(new)


def sessions_generate_window(*, days: int = ROLLING_WINDOW_DAYS) -> int:
    """Extend every active group's sessions to today + `days` (the nightly task)."""
    created = 0
    for group in Group.objects.filter(is_active=True).select_related("program"):
        today = local_today(group.program.time_zone)
        created += sessions_generate(group=group, until=today + timedelta(days=days), today=today)
    return created


def holiday_add(*, actor: User, program: Program, day: date, name: str) -> Holiday:
    """Close the program on `day`: generated group sessions that day are cancelled (unless
    attendance was already taken) and future generation skips it."""
    if not can_manage_holidays(actor, program.id):
        raise PermissionDenied("Only program admins set holidays.")
    if not name.strip():
        raise ValidationError({"name": "Name the holiday."})
    if len(name.strip()) > HOLIDAY_NAME_MAX:
        raise ValidationError(
            {
                "name": f"Ensure this value has at most {HOLIDAY_NAME_MAX} characters "
                f"(it has {len(name.strip())})."
            }
        )
    if Holiday.objects.filter(program=program, date=day).exists():
        raise ValidationError({"date": "That day is already a holiday."})
    with transaction.atomic():
        holiday = Holiday.objects.create(program=program, date=day, name=name.strip())
        closed = Session.objects.filter(
            program=program,
            group__isnull=False,
            occurrence_date=day,
            moved=False,
            status=Session.Status.SCHEDULED,
            attendance__isnull=True,
        )
        for session_id in closed.values_list("id", flat=True):
            reminders_cancel_by_prefix(prefix=session_reminder_prefix(session_id))
        closed.update(
            status=Session.Status.CANCELLED,
            cancel_reason=f"Holiday: {holiday.name}",
            sequence=F("sequence") + 1,
            updated_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=holiday,
            organization_id=program.organization_id,
            changes={"date": [None, str(day)], "name": [None, holiday.name]},
        )
    return holiday
