"""Individual bookings with conflict checks; moving and cancelling any session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from recoverypath.accounts.selectors import membership_exists, program_lock
from recoverypath.core.audit import Action, audit_record, model_changes
from recoverypath.core.modality import join_details_check, modality_infer

from ..models import (
    INDIVIDUAL_TYPES,
    GroupEnrollment,
    Room,
    Session,
)
from ..permissions import can_book_session
from .reminders import session_reminders_cancel, session_reminders_sync

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User
    from recoverypath.clients.models import Client

# A moved session (a group's occurrence included) lasts at most a 12-hour day.
MOVE_MAX_MINUTES = 720


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def _when(session: Session) -> str:
    start = _local(session.starts_at, session.program.time_zone)
    end = _local(session.ends_at, session.program.time_zone)
    return f"{start:%a %d %b %H:%M}-{end:%H:%M}"


def _check_staff(program: Program, user: User | None, field: str) -> None:
    if user is None:
        raise ValidationError({field: "Choose a staff member."})
    if not membership_exists(user_id=user.pk, program_id=program.pk):
        raise ValidationError({field: f"{user} is not on the staff of {program}."})


def _check_join(
    *, modality: str | None, room: Room | None, telehealth_url: str, call_details: str
) -> tuple[str, str, str]:
    """(modality, link, call details) to store. A caller that names no modality (the API before
    modalities) gets video for a link without a room, in person otherwise."""
    if modality is None or modality == "":
        modality = modality_infer(room_given=room is not None, join_url=telehealth_url)
    link, details = join_details_check(
        modality=modality,
        join_url=telehealth_url,
        call_details=call_details,
        url_field="telehealth_url",
    )
    return modality, link, details


def _check_room(program: Program, room: Room | None) -> None:
    if room is not None and room.program_id != program.id:
        raise ValidationError({"room": "Choose a room of this program."})


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
    program_lock(program_id=program.pk)


def session_book(
    *,
    actor: User,
    client: Client,
    facilitator,
    session_type: str,
    starts_at: datetime,
    duration_minutes: int = 50,
    room: Room | None = None,
    telehealth_url: str = "",
    modality: str | None = None,
    call_details: str = "",
) -> Session:
    """Book an individual session on a clinician's calendar.

    Raises PermissionDenied, or ValidationError naming every double-booking (clinician, client,
    room) with the session it collides with.
    """
    program = client.program
    if not can_book_session(actor, program.id):
        raise PermissionDenied("You cannot book sessions in this program.")
    if session_type not in INDIVIDUAL_TYPES:
        raise ValidationError({"session_type": "Choose an individual session type."})
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "Give the time with its time zone."})
    if not 5 <= duration_minutes <= 480:
        raise ValidationError({"duration_minutes": "Between 5 and 480 minutes."})
    modality, telehealth_url, call_details = _check_join(
        modality=modality, room=room, telehealth_url=telehealth_url, call_details=call_details
    )
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
            modality=modality,
            telehealth_url=telehealth_url,
            call_details=call_details,
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
                "modality": [None, modality],
            },
        )
        session_reminders_sync(session=session)
    return session


def session_move(
    *,
    actor: User,
    session: Session,
    starts_at: datetime,
    duration_minutes: int | None = None,
    room: Room | str | None = "keep",
    reason: str = "",
) -> Session:
    """Move one session (a group's occurrence or an individual booking); conflicts refused."""
    if not can_book_session(actor, session.program_id):
        raise PermissionDenied("You cannot change this program's sessions.")
    if session.is_cancelled:
        raise ValidationError({"status": "A cancelled session cannot be moved."})
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "Give the time with its time zone."})
    if duration_minutes and not 5 <= duration_minutes <= MOVE_MAX_MINUTES:
        raise ValidationError({"duration_minutes": f"Between 5 and {MOVE_MAX_MINUTES} minutes."})
    duration = duration_minutes or session.duration_minutes
    if room == "keep":
        new_room = session.room
    elif isinstance(room, str):
        raise ValidationError({"room": "Choose a room of this program."})
    else:
        new_room = room
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
        session_reminders_sync(session=session)
    return session


def session_cancel(*, actor: User, session: Session, reason: str) -> Session:
    """Cancel one session; the rule never regenerates it."""
    if not can_book_session(actor, session.program_id):
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
        session_reminders_cancel(session=session)
    return session


__all__ = [
    "Conflict",
    "session_book",
    "session_cancel",
    "session_conflicts",
    "session_move",
]
