"""Groups, their generated sessions, individual bookings with conflict checks, holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from recoverypath.accounts.models import Membership, Program
from recoverypath.clients.models import Client
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.timezones import local_today

from .. import access
from ..models import (
    GROUP_TYPES,
    INDIVIDUAL_TYPES,
    Group,
    GroupEnrollment,
    Holiday,
    Room,
    Session,
    SessionType,
)

ROLLING_WINDOW_DAYS = 28
GROUP_FIELDS = [
    "name",
    "session_type",
    "track",
    "facilitator",
    "room",
    "telehealth_url",
    "capacity",
    "rrule",
    "start_date",
    "start_time",
    "duration_minutes",
    "end_date",
    "is_active",
]


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def _when(session: Session) -> str:
    start = _local(session.starts_at, session.program.time_zone)
    end = _local(session.ends_at, session.program.time_zone)
    return f"{start:%a %d %b %H:%M}-{end:%H:%M}"


def _check_staff(program: Program, user, field: str) -> None:
    if user is None:
        raise ValidationError({field: "Choose a staff member."})
    if not Membership.objects.filter(user=user, program=program).exists():
        raise ValidationError({field: f"{user} is not on the staff of {program}."})


def _check_room(program: Program, room: Room | None) -> None:
    if room is not None and room.program_id != program.id:
        raise ValidationError({"room": "Choose a room of this program."})


# --- Groups and generated sessions --------------------------------------------------------------


def group_create(*, actor, program: Program, **data: Any) -> Group:
    """Create a recurring group and generate its sessions for the rolling window."""
    if not access.can_manage_groups(actor, program.id):
        raise PermissionDenied("Only clinicians and admins create groups.")
    unknown = set(data) - set(GROUP_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    _check_staff(program, data.get("facilitator"), "facilitator")
    _check_room(program, data.get("room"))
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


def group_update(*, actor, group: Group, **data: Any) -> Group:
    """Change a group. A new rule, time or duration regenerates its future unmoved sessions
    that have no attendance; a larger capacity fills places from the waitlist."""
    from .enrollment import waitlist_fill

    if not access.can_manage_groups(actor, group.program_id):
        raise PermissionDenied("Only clinicians and admins change groups.")
    unknown = set(data) - set(GROUP_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    if "facilitator" in data:
        _check_staff(group.program, data["facilitator"], "facilitator")
    if "room" in data:
        _check_room(group.program, data["room"])
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
        if "facilitator" in changes or "room" in changes or "telehealth_url" in changes:
            future.update(
                facilitator=group.facilitator,
                room=group.room,
                telehealth_url=group.telehealth_url,
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
                telehealth_url=group.telehealth_url,
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


def holiday_add(*, actor, program: Program, day: date, name: str) -> Holiday:
    """Close the program on `day`: generated group sessions that day are cancelled (unless
    attendance was already taken) and future generation skips it."""
    if not access.can_manage_holidays(actor, program.id):
        raise PermissionDenied("Only program admins set holidays.")
    if not name.strip():
        raise ValidationError({"name": "Name the holiday."})
    if Holiday.objects.filter(program=program, date=day).exists():
        raise ValidationError({"date": "That day is already a holiday."})
    with transaction.atomic():
        holiday = Holiday.objects.create(program=program, date=day, name=name.strip())
        Session.objects.filter(
            program=program,
            group__isnull=False,
            occurrence_date=day,
            moved=False,
            status=Session.Status.SCHEDULED,
            attendance__isnull=True,
        ).update(
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


# --- Conflicts and individual bookings ----------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    field: str
    message: str


def session_conflicts(
    *,
    starts_at: datetime,
    ends_at: datetime,
    facilitator=None,
    client: Client | None = None,
    room: Room | None = None,
    exclude: Session | None = None,
) -> list[Conflict]:
    """Scheduled sessions overlapping [starts_at, ends_at) that share the clinician, the client
    (as an individual session or a group they are enrolled in) or the room."""
    overlapping = Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).select_related("group", "program", "facilitator", "room", "client")
    if exclude is not None and exclude.pk:
        overlapping = overlapping.exclude(pk=exclude.pk)
    conflicts: list[Conflict] = []
    if facilitator is not None:
        for other in overlapping.filter(facilitator=facilitator)[:1]:
            conflicts.append(
                Conflict(
                    "facilitator",
                    f"{facilitator} is already booked then: {other.title}, {_when(other)}.",
                )
            )
    if client is not None:
        enrolled = GroupEnrollment.objects.filter(
            client=client, status=GroupEnrollment.Status.ACTIVE
        ).values("group_id")
        for other in overlapping.filter(Q(client=client) | Q(group_id__in=enrolled))[:1]:
            conflicts.append(
                Conflict(
                    "client",
                    f"{client.display_name} already has {other.title} then, {_when(other)}.",
                )
            )
    if room is not None:
        for other in overlapping.filter(room=room)[:1]:
            conflicts.append(
                Conflict("room", f"{room} is already in use then: {other.title}, {_when(other)}.")
            )
    return conflicts


def _refuse_conflicts(conflicts: list[Conflict]) -> None:
    if conflicts:
        errors: dict[str, list[str]] = {}
        for conflict in conflicts:
            errors.setdefault(conflict.field, []).append(conflict.message)
        raise ValidationError(errors, code="conflict")


def _lock_program(program: Program) -> None:
    """Bookings in one program are serialized so two can never both pass the conflict check."""
    Program.objects.select_for_update().filter(pk=program.pk).values_list("pk", flat=True).first()


def session_book(
    *,
    actor,
    client: Client,
    facilitator,
    session_type: str,
    starts_at: datetime,
    duration_minutes: int = 50,
    room: Room | None = None,
    telehealth_url: str = "",
) -> Session:
    """Book an individual session on a clinician's calendar.

    Raises PermissionDenied, or ValidationError naming every double-booking (clinician, client,
    room) with the session it collides with.
    """
    program = client.program
    if not access.can_book(actor, program.id):
        raise PermissionDenied("You cannot book sessions in this program.")
    if session_type not in INDIVIDUAL_TYPES:
        raise ValidationError({"session_type": "Choose an individual session type."})
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "Give the time with its time zone."})
    if not 5 <= duration_minutes <= 480:
        raise ValidationError({"duration_minutes": "Between 5 and 480 minutes."})
    _check_staff(program, facilitator, "facilitator")
    _check_room(program, room)
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    with transaction.atomic():
        _lock_program(program)
        _refuse_conflicts(
            session_conflicts(
                starts_at=starts_at,
                ends_at=ends_at,
                facilitator=facilitator,
                client=client,
                room=room,
            )
        )
        session = Session.objects.create(
            program=program,
            client=client,
            session_type=session_type,
            facilitator=facilitator,
            room=room,
            telehealth_url=telehealth_url,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=session,
            client_id=client.id,
            organization_id=program.organization_id,
            changes={
                "session_type": [None, session_type],
                "starts_at": [None, starts_at.isoformat()],
                "facilitator": [None, facilitator.id],
            },
        )
    return session


def session_move(
    *,
    actor,
    session: Session,
    starts_at: datetime,
    duration_minutes: int | None = None,
    room: Room | str | None = "keep",
    reason: str = "",
) -> Session:
    """Move one session (a group's occurrence or an individual booking); conflicts refused."""
    if not access.can_book(actor, session.program_id):
        raise PermissionDenied("You cannot change this program's sessions.")
    if session.is_cancelled:
        raise ValidationError({"status": "A cancelled session cannot be moved."})
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "Give the time with its time zone."})
    duration = duration_minutes or session.duration_minutes
    new_room = session.room if room == "keep" else room
    _check_room(session.program, new_room)
    ends_at = starts_at + timedelta(minutes=duration)
    before = {"starts_at": session.starts_at.isoformat(), "room": session.room_id}
    with transaction.atomic():
        _lock_program(session.program)
        _refuse_conflicts(
            session_conflicts(
                starts_at=starts_at,
                ends_at=ends_at,
                facilitator=session.facilitator,
                client=session.client,
                room=new_room,
                exclude=session,
            )
        )
        session.starts_at, session.ends_at, session.room = starts_at, ends_at, new_room
        session.moved = True
        session.sequence += 1
        session.save(
            update_fields=["starts_at", "ends_at", "room", "moved", "sequence", "updated_at"]
        )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=session,
            client_id=session.client_id,
            organization_id=session.program.organization_id,
            changes=model_changes(
                before,
                {"starts_at": starts_at.isoformat(), "room": session.room_id, "reason": reason},
            ),
        )
    return session


def session_cancel(*, actor, session: Session, reason: str) -> Session:
    """Cancel one session; the rule never regenerates it."""
    if not access.can_book(actor, session.program_id):
        raise PermissionDenied("You cannot change this program's sessions.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the session is cancelled."})
    if session.is_cancelled:
        raise ValidationError({"status": "The session is already cancelled."})
    if session.attendance.exists():
        raise ValidationError({"status": "Attendance was taken: the session happened."})
    with transaction.atomic():
        session.status = Session.Status.CANCELLED
        session.cancel_reason = reason.strip()[:300]
        session.sequence += 1
        session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=session,
            client_id=session.client_id,
            organization_id=session.program.organization_id,
            changes={"status": ["scheduled", "cancelled"], "reason": [None, reason]},
        )
    return session


__all__ = [
    "GROUP_TYPES",
    "ROLLING_WINDOW_DAYS",
    "Conflict",
    "SessionType",
    "group_create",
    "group_update",
    "holiday_add",
    "session_book",
    "session_cancel",
    "session_conflicts",
    "session_move",
    "sessions_generate",
    "sessions_generate_window",
]
