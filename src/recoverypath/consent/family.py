"""What a family member may be shown, by category: a registry later apps fill in.

`consent` comes before the apps that hold attendance, check-ins, scores, plans and summaries, so
each of those apps registers a provider for its category in its AppConfig.ready():

    register_family_section(Category.ATTENDANCE, attendance_for_family)

A provider takes the client and returns a FamilySectionData: a one-line summary and a short list
of label/value entries, plain text only (the page, the API and the download all show the same
data). Providers must run a fixed number of queries. A category with no provider registered is
not offered on consent forms and shows nothing. Session notes have no category and never will.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .models import Category


@dataclass(frozen=True)
class FamilyEntry:
    label: str
    value: str


@dataclass(frozen=True)
class FamilySectionData:
    summary: str
    entries: list[FamilyEntry] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "summary": self.summary,
            "entries": [{"label": e.label, "value": e.value} for e in self.entries],
        }


Provider = Callable[[object], FamilySectionData]
_providers: dict[str, Provider] = {}
ORDER = list(Category.values)


def register_family_section(category: str, provider: Provider) -> None:
    if category not in Category.values:
        raise ValueError(f"Unknown family-visible category {category!r}.")
    _providers[category] = provider


def registered_categories() -> list[str]:
    """The categories a consent can offer now, in the order the family page shows them."""
    return [c for c in ORDER if c in _providers]


def category_choices() -> list[tuple[str, str]]:
    labels = dict(Category.choices)
    return [(c, labels[c]) for c in registered_categories()]


def section_data(category: str, client) -> FamilySectionData | None:
    provider = _providers.get(category)
    return provider(client) if provider is not None else None


def sobriety_for_family(client) -> FamilySectionData:
    """Days sober and milestones, from the client record (clients comes before consent)."""
    from recoverypath.clients.sobriety import milestones_reached, sobriety_summary_for

    summary = sobriety_summary_for(client)
    if summary.days_sober is None:
        return FamilySectionData(summary="No sobriety date recorded.")
    entries = [FamilyEntry("Days sober", str(summary.days_sober))]
    reached = milestones_reached(client.sobriety_date, summary.today)
    if reached:
        entries.append(FamilyEntry("Milestones reached", ", ".join(m.label for m in reached)))
    if summary.next_milestone is not None:
        entries.append(
            FamilyEntry(
                "Next milestone",
                f"{summary.next_milestone.label} on {summary.next_milestone.reached_on:%b %-d, %Y}",
            )
        )
    return FamilySectionData(summary=f"{summary.days_sober} days sober", entries=entries)
