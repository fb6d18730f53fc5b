"""Private calendar feeds (RFC 5545) that calendar apps subscribe to without a session.

A person's feed URL carries a secret token; only its SHA-256 is stored, so the URL is shown once
(when made or reset) and resetting it makes the old URL a 404. The feed holds the person's own
sessions and coordinator check-ins (a client), or those they facilitate or hold (staff), with:
- UIDs stable for the life of the session and unique to the installation
  (`session-<id>@<domain>`, the domain being CALENDAR_UID_DOMAIN or the first ALLOWED_HOSTS name);
- SEQUENCE from the session's `sequence`, which scheduling's services raise on every change;
- cancelled sessions kept, as STATUS:CANCELLED, so subscribed calendars remove them;
- times in the program's time zone, with its VTIMEZONE;
- no clinical detail: "Session at <program>", and for a video session or check-in its join link
  (URL and LOCATION), for a phone one the number to call.

A client's testing windows (a random or for-cause test they were selected for, or a scheduled
one) are in their feed as "Appointment at <program>", and nothing else: no site, no "test", no
specimen, a UID that does not say what it is (`visit-<id>@<domain>`), and free rather than
busy time (a window is when to go, not hours blocked). Feeds end up shared (a family calendar,
an employer's free/busy view, a phone on the kitchen table), and a client told "you were
selected today" expects the reminder to be as discreet as the session reminders are: nothing
in it may say drug testing. A random test appears from its day on, never earlier than the
client is told of it in the app (a feed must not announce a random draw in advance); a
scheduled one as soon as it is set. An excused test shows as cancelled.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from recoverypath.aftercare.selectors import check_ins_for_client, check_ins_for_coordinator
from recoverypath.clients.selectors import client_for_user_account
from recoverypath.core.audit import Action, audit_record
from recoverypath.scheduling.selectors import client_sessions_all, facilitator_sessions_all
from recoverypath.testing.selectors import selections_for_calendar

from .models import CalendarFeed

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

PAST_DAYS = 90  # how far back a feed reaches: calendars keep what they already have


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_reset(*, user: User) -> str:
    """Make (or replace) `user`'s feed token; returns the new token, the only time it is seen."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        feed = CalendarFeed.objects.create(user=user, token_hash=_hash(token))
        audit_record(actor=user, action=Action.CREATE, obj=feed, changes={"feed": "reset"})
    return token


def feed_turn_off(*, user: User) -> None:
    with transaction.atomic():
        deleted, _ = CalendarFeed.objects.filter(user=user).delete()
        if deleted:
            audit_record(
                actor=user,
                action=Action.DELETE,
                object_type="interop.calendarfeed",
                object_id=str(user.id),
            )


def feed_get(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(*, token: str) -> User | None:
    """The active user whose feed `token` opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    return feed.user


def uid_domain() -> str:
    configured = getattr(settings, "CALENDAR_UID_DOMAIN", "")
    if configured:
        return configured
    for host in settings.ALLOWED_HOSTS:
        host = host.lstrip(".")
        if host and host != "*" and "*" not in host:
            return host
    return "recoverypath.invalid"


def _event(
    *,
    uid: str,
    start: datetime,
    end: datetime,
    zone: str,
    sequence: int,
    stamp: datetime,
    program: str,
    url: str,
    cancelled: bool,
    summary: str,
    busy: bool = True,
    phone: str = "",
) -> Event:
    tz = ZoneInfo(zone)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", end.astimezone(tz))
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE" if busy else "TRANSPARENT")
    if url:
        event.add("url", url)
        event.add("location", url)
        event.add("description", f"Join by video: {url}")
    elif phone:
        event.add("description", f"By phone: {phone}")
    return event


def feed_calendar(*, user: User) -> bytes:
    """The iCalendar body of `user`'s feed (the caller has matched the token); audited."""
    since = timezone.now() - timedelta(days=PAST_DAYS)
    domain = uid_domain()
    calendar = Calendar()
    calendar.add("prodid", "-//RecoveryPath//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "RecoveryPath")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    sessions = {}
    check_ins = {}
    windows = []
    client = client_for_user_account(user=user)
    if client is not None:
        windows = selections_for_calendar(client=client, since=since)
        for session in client_sessions_all(client=client).filter(ends_at__gte=since):
            sessions[session.id] = session
        for check_in in check_ins_for_client(client=client).filter(scheduled_at__gte=since):
            check_ins[check_in.id] = check_in
    for session in facilitator_sessions_all(user=user).filter(ends_at__gte=since):
        sessions[session.id] = session
    for check_in in check_ins_for_coordinator(user=user).filter(scheduled_at__gte=since):
        check_ins[check_in.id] = check_in
    for session in sorted(sessions.values(), key=lambda s: (s.starts_at, s.id)):
        calendar.add_component(
            _event(
                uid=f"session-{session.id}@{domain}",
                start=session.starts_at,
                end=session.ends_at,
                zone=session.program.time_zone,
                sequence=session.sequence,
                stamp=session.updated_at,
                program=session.program.name,
                url=session.join_url,
                cancelled=session.is_cancelled,
                summary=f"Session at {session.program.name}",
                phone=session.call_details if session.modality == "phone" else "",
            )
        )
    for check_in in sorted(check_ins.values(), key=lambda c: (c.scheduled_at, c.id)):
        program = check_in.plan.program
        cancelled = check_in.status == "cancelled"
        calendar.add_component(
            _event(
                uid=f"checkin-{check_in.id}@{domain}",
                start=check_in.scheduled_at,
                end=check_in.scheduled_at + timedelta(minutes=30),
                zone=program.time_zone,
                # Check-ins have no revision counter; a settled one (done, missed, cancelled)
                # is its only change after booking.
                sequence=0 if check_in.status == "scheduled" else 1,
                stamp=check_in.recorded_at or check_in.created_at,
                program=program.name,
                url=check_in.join_url,
                cancelled=cancelled,
                summary=f"Check-in at {program.name}",
                phone=check_in.call_details if check_in.modality == "phone" else "",
            )
        )
    for window in windows:
        # Settled (given, missed, excused) is its only change after it is set.
        settled = window.status != "selected"
        calendar.add_component(
            _event(
                uid=f"visit-{window.id}@{domain}",
                start=window.window_opens_at,
                end=window.window_closes_at,
                zone=window.program.time_zone,
                sequence=1 if settled else 0,
                stamp=window.closed_at or window.created_at,
                program=window.program.name,
                url="",
                cancelled=window.status == "excused",
                summary=f"Appointment at {window.program.name}",
                busy=False,
            )
        )
    calendar.add_missing_timezones()
    audit_record(
        actor=user,
        action=Action.READ,
        object_type="interop.calendarfeed",
        object_id=str(user.id),
        client_id=client.id if client else None,
        organization_id=client.organization_id if client else None,
        changes={"events": len(sessions) + len(check_ins) + len(windows)},
    )
    return calendar.to_ical()
