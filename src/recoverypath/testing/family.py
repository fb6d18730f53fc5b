"""What a family member may see of drug and breath testing: each recent test's date and result,
nothing more (no substances, values, specimen, collector or medication)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from recoverypath.consent.family import FamilyEntry, FamilySectionData

from . import selectors

RECENT = 10
# A positive explained by a prescription is reported as negative (as a medical review officer
# reports it): telling it apart would disclose the medication.
FAMILY_RESULTS = {
    "negative": gettext_noop("Negative"),
    "expected": gettext_noop("Negative"),
    "positive": gettext_noop("Positive"),
    "pending": gettext_noop("Awaiting results"),
    "invalid": gettext_noop("Not valid: to be repeated"),
    "dilute": gettext_noop("Not valid: to be repeated"),
}


def results_for_family(client) -> FamilySectionData:
    """The latest tests, newest first: the day collected and the result. Five queries."""
    summary = selectors.client_summary(client=client, limit=RECENT)
    if not summary.rows:
        return FamilySectionData(summary=_("No tests yet."))
    zone = ZoneInfo(client.program.time_zone)
    entries = [
        FamilyEntry(
            date_format(row.collection.collected_at.astimezone(zone), "DATE_FORMAT"),
            _(FAMILY_RESULTS[row.verdict]),
        )
        for row in summary.rows
    ]
    streak = summary.negative_streak
    return FamilySectionData(
        summary=ngettext(
            "%(streak)s negative test in a row.", "%(streak)s negative tests in a row.", streak
        )
        % {"streak": streak},
        entries=entries,
    )
