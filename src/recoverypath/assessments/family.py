"""What a family member may see of assessments: the latest score of each instrument."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recoverypath.consent.family import FamilyEntry, FamilySectionData

from . import selectors

DAY = "MONTH_DAY_FORMAT"


def scores_for_family(client) -> FamilySectionData:
    """Latest total and band per instrument (never the item answers). One query."""
    latest = selectors.assessment_latest_per_instrument(client=client)
    if not latest:
        return FamilySectionData(summary=_("No assessments yet."))
    zone = ZoneInfo(client.time_zone)
    entries = []
    for a in latest:
        score = "" if a.total is None else f"{a.total}"
        band = a.band.replace("_", " ") if a.band else ""
        value = " · ".join(part for part in (score, band) if part) or _("Completed")
        entries.append(
            FamilyEntry(
                f"{a.instrument} ({date_format(a.administered_at.astimezone(zone), DAY)})",
                value,
            )
        )
    summary = ngettext(
        "%(count)s questionnaire on file.", "%(count)s questionnaires on file.", len(latest)
    ) % {"count": len(latest)}
    return FamilySectionData(summary=summary, entries=entries)
