"""Reminders of sessions and appointments: the day before and shortly before (program settings).

Each reminder is one `notifications.Reminder` per client and lead, keyed
`scheduling:session:<session id>:<kind>`, so booking, moving and the sweep move the same row
instead of adding one, and everything of a session is found by its prefix.

1. Booking or moving a session syncs its reminders at once (`session_reminders_sync`); cancelling
   it, or a client leaving a group, cancels them.
2. Group sessions are generated weeks ahead; their reminders are scheduled lazily by a periodic
   sweep over the sessions of the next 48 hours (`session_reminders_schedule_upcoming`), which is
   idempotent: a reminder still to come is moved to the same place, one already due is left
   alone.
3. At send time the worker asks `session_reminder_wanted` (registered in core.hooks.reminders):
   the session must still be scheduled and ahead, the client still on its roster and not marked
   absent, and the program's setting still on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from recoverypath.notifications.language import recipient_language
from recoverypath.notifications.reminder_config import ReminderKind
from recoverypath.notifications.selectors import reminder_configs
from recoverypath.notifications.services import reminder_schedule, reminders_cancel_by_prefix

from ..selectors.reminders import (
    session_for_reminders,
    session_reminder_recipients,
    session_reminder_users,
    sessions_upcoming,
)

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

    from ..models import Group, Session

KEY_PREFIX = "scheduling:session:"
KINDS = (ReminderKind.SESSION_DAY_BEFORE, ReminderKind.SESSION_HOUR_BEFORE)
SWEEP_HOURS = 48


def session_reminder_prefix(session_id: int) -> str:
    return f"{KEY_PREFIX}{session_id}:"


def session_reminder_key(session_id: int, kind: str) -> str:
    return f"{session_reminder_prefix(session_id)}{kind}"


def _context(session: Session, recipient: User, kind: str) -> dict[str, object]:
    zone = ZoneInfo(recipient.display_time_zone or settings.TIME_ZONE)
    local = session.starts_at.astimezone(zone)
    with translation.override(recipient_language(recipient)):
        day = formats.date_format(local, "SHORT_DATE_FORMAT")
        at = formats.time_format(local, "TIME_FORMAT")
    return {
        "title": session.title,
        "day": day,
        "time": at,
        "soon": kind == ReminderKind.SESSION_HOUR_BEFORE,
        "link": reverse("clients:me"),
    }


def session_reminders_sync(
    *, session: Session, now: datetime | None = None, roster_loaded: bool = False
) -> int:
    """Make the session's pending reminders match it: one per client with a login on its roster
    (not marked absent) and per lead the program has on, at start minus the lead, while that is
    still ahead; every other pending reminder of the session is cancelled (all of them for a
    cancelled session). Runs in the caller's transaction. Returns how many are pending."""
    now = now or timezone.now()
    prefix = session_reminder_prefix(session.pk)
    if session.status != session.Status.SCHEDULED or session.starts_at <= now:
        reminders_cancel_by_prefix(prefix=prefix)
        return 0
    # A session from `sessions_upcoming` comes with its roster; any other is read again with it.
    fresh = session if roster_loaded else session_for_reminders(session_id=session.pk)
    if fresh is None:
        return 0
    users = session_reminder_users(session=fresh)
    configs = reminder_configs(program_id=fresh.program_id)
    kept: list[str] = []
    pending = 0
    with transaction.atomic():
        for kind in KINDS:
            config = configs[kind]
            at = config.before(fresh.starts_at, fresh.program.time_zone)
            key = session_reminder_key(fresh.pk, kind)
            if not config.enabled:
                reminders_cancel_by_prefix(prefix=key)
                continue
            if at <= now:
                # Too late to schedule. One already due is left to the worker (its send-time
                # check still applies); one still ahead is from an earlier time of the session.
                reminders_cancel_by_prefix(prefix=key, due_after=now)
                continue
            for user in users:
                reminder_schedule(
                    recipient=user,
                    at=at,
                    template="scheduling.session_reminder",
                    context=_context(fresh, user, kind),
                    dedup_key=key,
                )
                pending += 1
            kept.append(key)
        # Anyone no longer on the roster (left the group, marked absent) loses theirs.
        for key in kept:
            reminders_cancel_by_prefix(prefix=key, keep_recipient_ids=[u.id for u in users])
    return pending


def session_reminders_cancel(*, session: Session) -> int:
    """Cancel every pending reminder of the session. Returns how many."""
    return reminders_cancel_by_prefix(prefix=session_reminder_prefix(session.pk))


def group_reminders_sync(*, group: Group, now: datetime | None = None) -> None:
    """Sync the reminders of the group's sessions in the sweep's window (after a change of its
    roster: a client left, or joined)."""
    now = now or timezone.now()
    for session in sessions_upcoming(start=now, end=now + timedelta(hours=SWEEP_HOURS)).filter(
        group=group
    ):
        session_reminders_sync(session=session, now=now, roster_loaded=True)


def session_reminders_schedule_upcoming(*, hours: int = SWEEP_HOURS) -> int:
    """The periodic sweep: sync the reminders of every scheduled session starting in the next
    `hours`. Idempotent. Returns how many reminders are pending for them."""
    now = timezone.now()
    total = 0
    for session in sessions_upcoming(start=now, end=now + timedelta(hours=hours)):
        total += session_reminders_sync(session=session, now=now, roster_loaded=True)
    return total


def session_reminder_wanted(*, dedup_key: str, recipient_id: int) -> bool:
    """At send time: whether a session reminder should still go (see the module's step 3)."""
    try:
        session_id_text, kind = dedup_key.removeprefix(KEY_PREFIX).split(":", 1)
        session_id = int(session_id_text)
    except ValueError:
        return False
    session = session_for_reminders(session_id=session_id)
    if session is None or session.status != session.Status.SCHEDULED:
        return False
    if session.starts_at <= timezone.now():
        return False
    config = reminder_configs(program_id=session.program_id).get(kind)
    if config is None or not config.enabled:
        return False
    return recipient_id in session_reminder_recipients(session=session)
