"""What a family member may be shown, by category: read from the `family sections` hook.

`consent` comes before the apps that hold attendance, check-ins, scores, plans and summaries, so
each of those apps registers a provider for its category in its AppConfig.ready()
(`core.hooks.family.register_family_section`). A category with no provider registered is not
offered on consent forms and shows nothing. Session notes have no category and never will.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recoverypath.core.hooks.family import (
    FamilyEntry,
    FamilySectionData,
    FamilySectionProvider,
    family_section_providers,
)

from .models import Category

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

__all__ = [
    "FamilyEntry",
    "FamilySectionData",
    "category_choices",
    "registered_categories",
    "section_data",
    "sobriety_for_family",
]

ORDER = list(Category.values)


def _providers() -> dict[str, FamilySectionProvider]:
    providers = family_section_providers()
    unknown = sorted(set(providers) - set(ORDER))
    if unknown:
        raise ValueError(f"Unknown family-visible category {unknown[0]!r}.")
    return providers


def registered_categories() -> list[str]:
    """The categories a consent can offer now, in the order the family page shows them."""
    providers = _providers()
    return [c for c in ORDER if c in providers]


def category_choices() -> list[tuple[str, _StrOrPromise]]:
    labels = dict(Category.choices)
    return [(c, labels[c]) for c in registered_categories()]


def section_data(category: str, client) -> FamilySectionData | None:
    provider = _providers().get(category)
    return provider(client) if provider is not None else None


def sobriety_for_family(client) -> FamilySectionData:
    """Days sober and milestones, from the client record (clients comes before consent)."""
    from recoverypath.clients.sobriety import milestones_reached, sobriety_summary_for

    summary = sobriety_summary_for(client)
    if summary.days_sober is None:
        return FamilySectionData(summary=_("No sobriety date recorded."))
    entries = [FamilyEntry(_("Days sober"), str(summary.days_sober))]
    reached = milestones_reached(client.sobriety_date, summary.today)
    if reached:
        entries.append(
            FamilyEntry(_("Milestones reached"), ", ".join(str(m.label) for m in reached))
        )
    if summary.next_milestone is not None:
        entries.append(
            FamilyEntry(
                _("Next milestone"),
                _("%(label)s on %(reached_on)s")
                % {
                    "label": summary.next_milestone.label,
                    "reached_on": date_format(summary.next_milestone.reached_on, "DATE_FORMAT"),
                },
            )
        )
    days = summary.days_sober
    return FamilySectionData(
        summary=ngettext("%(days)s day sober", "%(days)s days sober", days) % {"days": days},
        entries=entries,
    )
