"""What a family member may see of drug and breath testing: each recent test's date and result,
nothing more (no substances, values, specimen, collector or medication)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from recoverypath.consent.family import FamilyEntry, FamilySectionData

from . import selectors

RECENT = 10
# A positive explained by a prescription is reported as negative (as a medical review officer
# reports it): telling it apart would disclose the medication.
FAMILY_RESULTS = {
    "negative": "Negative",
    "expected": "Negative",
    "positive": "Positive",
    "pending": "Awaiting results",
    "invalid": "Not valid: to be repeated",
    "dilute": "Not valid: to be repeated",
}


def results_for_family(client) -> FamilySectionData:
    """The latest tests, newest first: the day collected and the result. Five queries."""
    summary = selectors.client_summary(client=client, limit=RECENT)
    if not summary.rows:
        return FamilySectionData(summary="No tests yet.")
    zone = ZoneInfo(client.program.time_zone)
    entries = [
        FamilyEntry(
            f"{row.collection.collected_at.astimezone(zone):%b %-d, %Y}",
            FAMILY_RESULTS[row.verdict],
        )
        for row in summary.rows
    ]
    streak = summary.negative_streak
    return FamilySectionData(
        summary=f"{streak} negative test{'s' if streak != 1 else ''} in a row.", entries=entries
    )
