"""Sessions: who may see which, rosters, and the audit of what a list shows."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from recoverypath.care import selectors as care_selectors
from recoverypath.clients.models import Client
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, audit_record_clients

from ..models import Attendance, ClinicalNote, Group, GroupEnrollment, Session

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def _with_roster(qs: QuerySet[Session]) -> QuerySet[Session]:
    """What a session row shows, joined or prefetched: a fixed number of queries for any list."""
    return qs.select_related("group", "program", "facilitator", "room", "client").prefetch_related(
        Prefetch(
            "group__enrollments",
            queryset=GroupEnrollment.objects.exclude(status=GroupEnrollment.Status.WAITLISTED)
            .select_related("client")
            .order_by("client__last_name", "client__first_name", "id"),
        ),
        Prefetch("attendance", queryset=Attendance.objects.select_related("client").order_by("id")),
        Prefetch("notes", queryset=ClinicalNote.objects.order_by("id")),
    )


def session_local_date(session: Session) -> date:
    return session.starts_at.astimezone(ZoneInfo(session.program.time_zone)).date()


def _group_of(session: Session) -> Group:
    """The group of a session that is not an individual one (a session has one or the other)."""
    if session.group is None:
        raise ValueError(f"Session {session.pk} has neither a client nor a group.")
    return session.group


def session_roster(*, session: Session) -> list[Client]:
    """Who the session is for: the individual client, or the group's members on that day (plus
    anyone whose attendance was already taken). No query on a session from `_with_roster`."""
    if session.client is not None:
        return [session.client]
    day = session_local_date(session)
    seen: dict[int, Client] = {}
    for enrollment in _group_of(session).enrollments.all():
        if enrollment.status != GroupEnrollment.Status.WAITLISTED and enrollment.covers(day):
            seen.setdefault(enrollment.client_id, enrollment.client)
    for record in session.attendance.all():
        if record.client_id not in seen:
            seen[record.client_id] = record.client
    return list(seen.values())


def sessions_audit(*, user: User, sessions, action: str = Action.LIST) -> None:
    """Record what `sessions` show `user` (one INSERT): each individual session's client, and to
    staff each group session's roster (sessions from `_with_roster`: no query per session)."""
    staff = permissions.is_staff_member(user)
    rows: list[tuple[int | None, str]] = []
    for session in sessions:
        if session.client_id:
            rows.append((session.client_id, str(session.id)))
        elif staff:
            rows.extend((client.id, str(session.id)) for client in session_roster(session=session))
    audit_record_clients(
        actor=user, rows=rows, object_type=Session._meta.label_lower, action=action
    )


def roster_count(*, session: Session) -> int:
    """How many clients the session is for, from prefetched enrollments (no query)."""
    if session.client_id:
        return 1
    day = session_local_date(session)
    return len(
        [
            e
            for e in _group_of(session).enrollments.all()
            if e.status != GroupEnrollment.Status.WAITLISTED and e.covers(day)
        ]
    )


def session_queryset_for_user(*, user: User) -> QuerySet[Session]:
    """Staff: their programs' sessions. A client: their own individual sessions and the
    sessions of groups they belong to."""
    if not user.is_authenticated or not user.is_active:
        return Session.objects.none()
    scope = Q(client__user_id=user.id) | Q(
        group__enrollments__client__user_id=user.id,
        group__enrollments__status=GroupEnrollment.Status.ACTIVE,
    )
    program_ids = permissions.staff_program_ids(user)
    if program_ids:
        scope |= Q(program_id__in=program_ids)
    return Session.objects.filter(pk__in=Session.objects.filter(scope).values("pk"))


def session_get(*, user: User, session_id: int) -> Session:
    """The session if `user` may see it (staff of its program), else Http404."""
    session = (
        _with_roster(Session.objects.filter(program_id__in=permissions.staff_program_ids(user)))
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=session,
        client_id=session.client_id,
        organization_id=session.program.organization_id,
    )
    return session


def session_visible_get(*, user: User, session_id: int) -> Session:
    """A session `user` may see (see `session_queryset_for_user`: a client sees their own),
    rosters prefetched, else Http404. Staff pages and writes use `session_get`."""
    session = _with_roster(session_queryset_for_user(user=user)).filter(pk=session_id).first()
    if session is None:
        raise Http404("No such session.")
    return session


def session_list(
    *,
    user: User,
    start: datetime,
    end: datetime,
    facilitator_id: int | None = None,
    client_id: int | None = None,
    program_id: int | None = None,
    include_cancelled: bool = True,
) -> QuerySet[Session]:
    """Sessions starting in [start, end) that `user` may see, rosters prefetched."""
    qs = session_queryset_for_user(user=user).filter(starts_at__gte=start, starts_at__lt=end)
    if facilitator_id:
        qs = qs.filter(facilitator_id=facilitator_id)
    if client_id:
        qs = qs.filter(
            Q(client_id=client_id)
            | Q(
                group__enrollments__client_id=client_id,
                group__enrollments__status=GroupEnrollment.Status.ACTIVE,
            )
        ).distinct()
    if program_id:
        qs = qs.filter(program_id=program_id)
    if not include_cancelled:
        qs = qs.filter(status=Session.Status.SCHEDULED)
    return _with_roster(qs).order_by("starts_at", "id")


def session_booking_warnings(*, client: Client, starts_at: datetime) -> list[str]:
    """What staff should know about a booking that is still allowed (a warning, never a
    refusal): a session before the client's admission to the program (care's first episode)."""
    admitted_on = care_selectors.admission_date(client=client, program_id=client.program_id)
    day = starts_at.astimezone(ZoneInfo(client.program.time_zone)).date()
    if admitted_on is not None and day < admitted_on:
        return [
            f"This session is before {client.display_name}'s admission date "
            f"({admitted_on:%b} {admitted_on.day}, {admitted_on:%Y}). It was booked anyway."
        ]
    return []
