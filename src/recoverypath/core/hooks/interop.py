"""Hooks of interop: the FHIR mappers and the staff CSV exports.

`interop` comes last in the app order, so it could import every app; the hooks keep what it
serves open all the same: a mapper or a report is one entry, registered in an `AppConfig.ready()`
(interop's own, or the app that owns the data), and interop serves exactly what is registered.

- `fhir_mappers`: each entry builds the resources of one FHIR type from one client's record
  (`interop.fhir.record.ClientRecord`), names the 42 CFR Part 2 consent category a consent
  recipient needs to see them ("" = never shown under a consent) and what such a recipient gets
  (often less than the full resource: what the family page shows of that category). A type may
  have several mappers (Observation: instrument scores, check-ins, test results), so consents
  are applied per resource, not per type.
- `csv_exports`: each entry is a staff report downloadable as CSV from /exports/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from recoverypath.core.hooks import Hook
from recoverypath.core.permissions import Rank


class FhirBuilder(Protocol):
    """Builds resources (fhir.resources models) from one client's record, without queries per
    resource: the record loads each kind of row once."""

    def __call__(self, record: Any, /) -> Iterator[Any]: ...


@dataclass(frozen=True)
class FhirMapper:
    resource_type: str
    build: FhirBuilder
    # The consent category a consent recipient needs to see these resources ("" = never).
    consent_category: str = ""
    # What a consent recipient gets instead of `build` (None: the same resources).
    for_recipient: FhirBuilder | None = None

    @property
    def key(self) -> str:
        """`<resource type>:<builder name>`: stable when the builder's module moves."""
        name = getattr(self.build, "__name__", type(self.build).__name__)
        return f"{self.resource_type}:{name}"

    def recipient_view(self) -> FhirBuilder | None:
        """The builder a consent recipient gets, or None when they get nothing of it."""
        if not self.consent_category:
            return None
        return self.for_recipient or self.build


fhir_mappers: Hook[FhirMapper] = Hook(
    "fhir mappers", "FHIR R4 resources built from a client's record, per type, in bundle order"
)


def register_fhir_mapper(mapper: FhirMapper, *, order: int = 100) -> FhirMapper:
    return fhir_mappers.register(mapper, order=order, key=mapper.key)


def fhir_mappers_of(resource_type: str) -> list[FhirMapper]:
    return [m for m in fhir_mappers.entries() if m.resource_type == resource_type]


class ReportRows(Protocol):
    """The rows of a report: (client, cells) pairs, streamed; the client is audited as exported.
    `user` is the requester (an accounts.User: core comes before accounts, so it is not named)."""

    def __call__(
        self, *, user: Any, program_id: int | None, params: Mapping[str, str]
    ) -> Iterator[tuple[Any, list[Any]]]: ...


@dataclass(frozen=True)
class CsvReport:
    key: str  # the URL's name: /exports/<key>.csv
    title: str
    min_rank: Rank  # the lowest program role that may download it
    rows: ReportRows
    header: tuple[str, ...]
    needs_program: bool = False
    # Checks the request's parameters before anything is read; raises ValueError with a message
    # for the person ("instrument: choose one of ...").
    check: Callable[[Mapping[str, str]], None] | None = None


csv_exports: Hook[CsvReport] = Hook("csv exports", "Staff reports downloadable as CSV")


def register_csv_export(report: CsvReport, *, order: int = 100) -> CsvReport:
    return csv_exports.register(report, order=order, key=report.key)


def csv_export_get(key: str) -> CsvReport | None:
    return csv_exports.keyed().get(key)
