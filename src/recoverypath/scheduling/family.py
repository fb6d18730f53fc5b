"""What a family member may see of scheduling, when a consent names the category."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from recoverypath.consent.family import FamilyEntry, FamilySectionData

from . import selectors


def attendance_for_family(client) -> FamilySectionData:
    """The last ten recorded sessions: date, session, present/absent (no notes). One query."""
    records = selectors.attendance_for_client(client=client, limit=10)
    if not records:
        return FamilySectionData(summary="No attendance recorded yet.")
    zone = ZoneInfo(client.time_zone)
    attended = sum(1 for a in records if a.status not in ("excused", "unexcused"))
    return FamilySectionData(
        summary=f"Attended {attended} of the last {len(records)} sessions.",
        entries=[
            FamilyEntry(
                f"{a.session.starts_at.astimezone(zone):%a %b %-d} · {a.session.title}",
                a.get_status_display(),
            )
            for a in records
        ],
    )


def schedule_for_family(client) -> FamilySectionData:
    """The next five scheduled sessions: when and what (no room, no facilitator). One query."""
    sessions = selectors.client_upcoming_sessions(client=client, limit=5)
    if not sessions:
        return FamilySectionData(summary="Nothing scheduled.")
    zone = ZoneInfo(client.time_zone)
    return FamilySectionData(
        summary=f"Next: {sessions[0].starts_at.astimezone(zone):%a %b %-d, %-I:%M %p}",
        entries=[
            FamilyEntry(f"{s.starts_at.astimezone(zone):%a %b %-d, %-I:%M %p}", s.title)
            for s in sessions
        ],
    )
