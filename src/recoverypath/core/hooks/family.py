"""Family-visible sections: what a family member may be shown, by consent category.

`consent` comes before the apps that hold attendance, check-ins, scores, plans and summaries, so
each of those apps registers a section for its category (a `consent.models.Category` value) in
its `AppConfig.ready()`:

    register_family_section(Category.ATTENDANCE, attendance_for_family)

A section takes the client and returns a `FamilySectionData`: a one-line summary and a short list
of label/value entries, plain text only (the page, the API and the download all show the same
data), in a fixed number of queries. One section per category: a second registration for the
same category is ignored. `consent.family` reads them: a category without a section is not
offered on consent forms and shows nothing; the family page orders them as the categories are
declared. Session notes have no category and never will.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from . import Hook


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


class FamilySectionProvider(Protocol):
    # `client`: a clients.Client.
    def __call__(self, client: Any, /) -> FamilySectionData: ...


@dataclass(frozen=True)
class FamilySection:
    category: str
    provider: FamilySectionProvider


family_sections: Hook[FamilySection] = Hook(
    "family sections", "What a family member may see, by consent category: provider(client)"
)


def register_family_section(category: str, provider: FamilySectionProvider) -> FamilySection:
    section = FamilySection(category=str(category), provider=provider)
    return family_sections.register(section, key=str(category))


def family_section_providers() -> dict[str, FamilySectionProvider]:
    """Provider by category, for every registered category."""
    return {section.category: section.provider for section in family_sections}
