"""Calendars: a clinician's days, a client's sessions (pages, feeds, exports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from recoverypath.clients.models import Client
from recoverypath.core.hooks.appointments import ClientAppointment

from ..models import GroupEnrollment, Session
from .sessions import roster_count, session_list

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def day_bounds(day: date, zone: str, days: int = 1) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=days), time.min, tzinfo=tz).astimezone(UTC)
    return start, end


@dataclass
class CalendarDay:
    day: date
    sessions: list[Session] = field(default_factory=list)


def clinician_calendar(
    *, user: User, clinician, start_day: date, days: int, zone: str
) -> list[CalendarDay]:
    """The clinician's sessions day by day (the day view is days=1, the week view days=7),
    in a fixed number of queries whatever the number of sessions and clients."""
    start, end = day_bounds(start_day, zone, days)
    sessions = list(session_list(user=user, start=start, end=end, facilitator_id=clinician.id))
    tz = ZoneInfo(zone)
    by_day: dict[date, CalendarDay] = {
        start_day + timedelta(days=i): CalendarDay(start_day + timedelta(days=i))
        for i in range(days)
    }
    for session in sessions:
        local_day = session.starts_at.astimezone(tz).date()
        session.roster_count = roster_count(session=session)
        if local_day in by_day:
            by_day[local_day].sessions.append(session)
    return list(by_day.values())


def client_upcoming_sessions(*, client: Client, limit: int = 10) -> list[Session]:
    """The client's next scheduled sessions (individual and their groups'), soonest first."""
    now = timezone.now()
    enrolled = GroupEnrollment.objects.filter(
        client=client, status=GroupEnrollment.Status.ACTIVE
    ).values("group_id")
    return list(
        Session.objects.filter(
            Q(client=client) | Q(group_id__in=enrolled),
            status=Session.Status.SCHEDULED,
            ends_at__gt=now,
        )
        .select_related("group", "program", "facilitator", "room")
        .order_by("starts_at", "id")[:limit]
    )


def client_sessions_all(*, client: Client) -> QuerySet[Session]:
    """Every session of the client (individual ones and those of groups they are or were in),
    oldest first, for exports and calendar feeds (interop)."""
    enrolled = GroupEnrollment.objects.filter(
        client=client, status__in=[GroupEnrollment.Status.ACTIVE, GroupEnrollment.Status.ENDED]
    ).values("group_id")
    return (
        Session.objects.filter(Q(client=client) | Q(group_id__in=enrolled))
        .select_related("group", "program", "facilitator", "room")
        .order_by("starts_at", "id")
    )


def facilitator_sessions_all(*, user: User) -> QuerySet[Session]:
    """Every session `user` facilitates, oldest first (a staff member's calendar feed)."""
    return (
        Session.objects.filter(facilitator=user)
        .select_related("group", "program", "room")
        .order_by("starts_at", "id")
    )


def client_sessions(*, client: Client, start: datetime, end: datetime) -> list[Session]:
    enrolled = GroupEnrollment.objects.filter(
        client=client, status__in=[GroupEnrollment.Status.ACTIVE, GroupEnrollment.Status.ENDED]
    ).values("group_id")
    return list(
        Session.objects.filter(
            Q(client=client) | Q(group_id__in=enrolled), starts_at__gte=start, starts_at__lt=end
        )
        .select_related("group", "program", "facilitator", "room")
        .order_by("starts_at", "id")
    )


def client_next_appointment(client: Client, now: datetime, /) -> ClientAppointment | None:
    """The client's earliest scheduled session (individual or of a group they are in) not yet
    ended at `now`, for the next-appointment item on their home page: one query."""
    enrolled = GroupEnrollment.objects.filter(
        client=client, status=GroupEnrollment.Status.ACTIVE
    ).values("group_id")
    session = (
        Session.objects.filter(
            Q(client=client) | Q(group_id__in=enrolled),
            status=Session.Status.SCHEDULED,
            ends_at__gt=now,
        )
        .select_related("group", "room")
        .order_by("starts_at", "id")
        .first()
    )
    if session is None:
        return None
    return ClientAppointment(
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        modality=session.modality,
        join_url=session.join_url,
        call_details=session.call_details,
        where=session.room.name if session.room is not None else "",
    )
