"""What a family member may see of assessments: the latest score of each instrument."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from recoverypath.consent.family import FamilyEntry, FamilySectionData

from . import selectors


def scores_for_family(client) -> FamilySectionData:
    """Latest total and band per instrument (never the item answers). One query."""
    latest = selectors.assessment_latest_per_instrument(client=client)
    if not latest:
        return FamilySectionData(summary="No assessments yet.")
    zone = ZoneInfo(client.time_zone)
    entries = []
    for a in latest:
        score = "" if a.total is None else f"{a.total}"
        band = a.band.replace("_", " ") if a.band else ""
        value = " · ".join(part for part in (score, band) if part) or "Completed"
        entries.append(
            FamilyEntry(f"{a.instrument} ({a.administered_at.astimezone(zone):%b %-d})", value)
        )
    return FamilySectionData(summary=f"{len(latest)} questionnaires on file.", entries=entries)
