"""What a family member may see of daily check-ins: whether they happened, not what they said."""

from __future__ import annotations

from django.utils.translation import gettext as _

from recoverypath.consent.family import FamilyEntry, FamilySectionData
from recoverypath.core.timezones import local_today

from . import selectors

DAYS = 14


def check_ins_for_family(client) -> FamilySectionData:
    """Check-ins done over the last two weeks (a count and the days), never their answers."""
    calendar = selectors.check_in_calendar(client=client, days=DAYS)
    done = [d for d in calendar if d.check_in is not None]
    missed = selectors.missed_days(calendar=calendar, today=local_today(client.time_zone))
    return FamilySectionData(
        summary=_("Checked in on %(done)s of the last %(days)s days.")
        % {"done": len(done), "days": DAYS},
        entries=[
            FamilyEntry(_("Days checked in"), str(len(done))),
            FamilyEntry(_("Days missed"), str(missed)),
        ],
    )
