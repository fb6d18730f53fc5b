"""Reads for session reminders: the sessions coming up, and one session's state at send time."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from recoverypath.accounts.models import User

from ..models import Attendance, Session
from .sessions import _with_roster, session_roster


def sessions_upcoming(*, start: datetime, end: datetime) -> QuerySet[Session]:
    """Scheduled sessions starting in (start, end], rosters prefetched (a fixed number of
    queries for any number of sessions)."""
    return _with_roster(
        Session.objects.filter(
            status=Session.Status.SCHEDULED, starts_at__gt=start, starts_at__lte=end
        )
    ).order_by("starts_at", "id")


def session_for_reminders(*, session_id: int) -> Session | None:
    """One session with its roster prefetched, or None."""
    return _with_roster(Session.objects.filter(pk=session_id)).first()


def session_reminder_recipients(*, session: Session) -> dict[int, int]:
    """{user id: client id} of the clients with a login whom the session is for and who are
    not already marked absent."""
    absent = {
        record.client_id
        for record in session.attendance.all()
        if record.status in Attendance.ABSENT
    }
    return {
        client.user_id: client.id
        for client in session_roster(session=session)
        if client.user_id is not None and client.id not in absent
    }


def session_reminder_users(*, session: Session) -> list[User]:
    """The accounts of `session_reminder_recipients`, active ones only, in one query."""
    ids = session_reminder_recipients(session=session)
    return list(User.objects.filter(id__in=ids, is_active=True).order_by("id"))
