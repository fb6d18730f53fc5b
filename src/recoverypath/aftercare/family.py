"""What a family member may see of the aftercare plan: its parts and how often."""

from __future__ import annotations

from django.utils.translation import gettext as _

from recoverypath.consent.family import FamilyEntry, FamilySectionData

from . import selectors


def plan_for_family(client) -> FamilySectionData:
    """The open plan's components (kind, title, frequency). Two queries."""
    plan = selectors.plan_current(client=client)
    if plan is None:
        return FamilySectionData(summary=_("No aftercare plan yet."))
    components = list(plan.components.all())
    return FamilySectionData(
        summary=_("Aftercare plan: %(status)s.")
        % {"status": str(plan.get_status_display()).lower()},
        entries=[
            FamilyEntry(c.title or c.get_kind_display(), c.get_frequency_display())
            for c in components
        ],
    )
