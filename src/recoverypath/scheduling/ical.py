"""iCalendar (RFC 5545) export of sessions with the icalendar library."""

from __future__ import annotations

from collections.abc import Iterable

from icalendar import Calendar, Event

from .models import Session


def calendar_for(sessions: Iterable[Session], *, name: str, private: bool = False) -> bytes:
    """One VEVENT per session (UTC times; cancelled ones marked CANCELLED). `private` leaves
    out the facilitator for a client's own feed on a shared device."""
    calendar = Calendar()
    calendar.add("prodid", "-//RecoveryPath//Sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.id}@recoverypath")
        event.add("dtstamp", session.updated_at)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", session.title)
        location = session.room.name if session.room is not None else session.join_url
        if session.join_url:
            event.add("url", session.join_url)
        if location:
            event.add("location", location)
        if not private:
            event.add("description", f"Facilitator: {session.facilitator}")
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
