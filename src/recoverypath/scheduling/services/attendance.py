"""Taking attendance for a whole session at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record

from ..models import Attendance, Session
from ..permissions import can_take_attendance
from ..selectors import session_roster
from ..signals import attendance_recorded

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


class AttendanceRow(TypedDict, total=False):
    client_id: int
    status: str
    minutes_attended: int | None
    note: str


def _minutes(row: AttendanceRow, duration: int, name: str) -> int:
    status = row.get("status")
    minutes = row.get("minutes_attended")
    if status in Attendance.ABSENT:
        if minutes:
            raise ValidationError({f"{name}.minutes_attended": "An absence has no minutes."})
        return 0
    if minutes is None:
        if status == Attendance.Status.PRESENT:
            return duration
        raise ValidationError(
            {f"{name}.minutes_attended": "How many minutes did the client attend?"}
        )
    if not 0 <= minutes <= duration:
        raise ValidationError(
            {f"{name}.minutes_attended": f"Between 0 and the session's {duration} minutes."}
        )
    return minutes


def attendance_record(
    *, actor: User, session: Session, rows: Iterable[AttendanceRow]
) -> list[Attendance]:
    """Record (or correct) attendance for the clients of a session, one row each.

    Each client must be on the session's roster. Absences have 0 minutes; "present" without
    minutes means the whole session. Sends attendance_recorded after commit. Raises
    PermissionDenied or ValidationError (keyed "<client_id>.<field>").
    """
    if not can_take_attendance(actor, session):
        raise PermissionDenied("Only the facilitator or a clinician takes attendance.")
    if session.is_cancelled:
        raise ValidationError({"session": "The session was cancelled."})
    if session.starts_at > timezone.now():
        raise ValidationError({"session": "Attendance is taken once the session has started."})
    roster = {client.id: client for client in session_roster(session=session)}
    duration = session.duration_minutes
    valid_statuses = set(Attendance.Status.values)
    rows = list(rows)
    if not rows:
        raise ValidationError({"rows": "Mark at least one client."})
    cleaned: dict[int, tuple[str, int, str]] = {}
    for row in rows:
        client_id = int(row.get("client_id") or 0)
        name = str(client_id)
        if client_id not in roster:
            raise ValidationError({name: "This client is not on the session's roster."})
        if row.get("status") not in valid_statuses:
            raise ValidationError({f"{name}.status": "Choose an attendance status."})
        cleaned[client_id] = (
            row["status"],
            _minutes(row, duration, name),
            (row.get("note") or "")[:300],
        )
    with transaction.atomic():
        existing = {a.client_id: a for a in session.attendance.filter(client_id__in=cleaned)}
        saved: list[Attendance] = []
        changes: dict[str, list] = {}
        for client_id, (status, minutes, note) in cleaned.items():
            record = existing.get(client_id) or Attendance(session=session, client_id=client_id)
            before = (record.status or None, record.minutes_attended if record.pk else None)
            record.status, record.minutes_attended, record.note = status, minutes, note
            record.recorded_by = actor
            saved.append(record)
            changes[str(client_id)] = [list(before), [status, minutes]]
        Attendance.objects.bulk_create([r for r in saved if r.pk is None])
        to_update = [r for r in saved if r.pk is not None and r.client_id in existing]
        now = timezone.now()
        for record in to_update:
            record.recorded_at = now
        Attendance.objects.bulk_update(
            to_update, ["status", "minutes_attended", "note", "recorded_by", "recorded_at"]
        )
        for client_id in cleaned:
            audit_record(
                actor=actor,
                action=Action.UPDATE if client_id in existing else Action.CREATE,
                object_type="scheduling.attendance",
                object_id=f"{session.id}:{client_id}",
                client_id=client_id,
                organization_id=session.program.organization_id,
                changes={"attendance": changes[str(client_id)]},
            )
        client_ids = list(cleaned)
        transaction.on_commit(
            lambda: attendance_recorded.send(sender=Session, session=session, client_ids=client_ids)
        )
    return saved
