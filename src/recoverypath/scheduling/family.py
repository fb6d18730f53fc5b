"""What a family member may see of scheduling, when a consent names the category."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from recoverypath.consent.family import FamilyEntry, FamilySectionData

from . import selectors

DAY = "MONTH_DAY_FORMAT"


def attendance_for_family(client) -> FamilySectionData:
    """The last ten recorded sessions: date, session, present/absent (no notes). One query."""
    records = selectors.attendance_for_client(client=client, limit=10)
    if not records:
        return FamilySectionData(summary=_("No attendance recorded yet."))
    zone = ZoneInfo(client.time_zone)
    attended = sum(1 for a in records if a.status not in ("excused", "unexcused"))
    return FamilySectionData(
        summary=_("Attended %(attended)s of the last %(count)s sessions.")
        % {"attended": attended, "count": len(records)},
        entries=[
            FamilyEntry(
                f"{date_format(a.session.starts_at.astimezone(zone), DAY)} · {a.session.title}",
                a.get_status_display(),
            )
            for a in records
        ],
    )


def schedule_for_family(client) -> FamilySectionData:
    """The next five scheduled sessions: when and what (no room, no facilitator). One query."""
    sessions = selectors.client_upcoming_sessions(client=client, limit=5)
    if not sessions:
        return FamilySectionData(summary=_("Nothing scheduled."))
    zone = ZoneInfo(client.time_zone)
    return FamilySectionData(
        summary=_("Next: %(when)s")
        % {"when": date_format(sessions[0].starts_at.astimezone(zone), "DATETIME_FORMAT")},
        entries=[
            FamilyEntry(date_format(s.starts_at.astimezone(zone), "DATETIME_FORMAT"), s.title)
            for s in sessions
        ],
    )
