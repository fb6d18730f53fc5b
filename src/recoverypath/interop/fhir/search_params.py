"""The search parameters of the FHIR API: which each type supports (the CapabilityStatement
lists these), and their parsing into filters over a resource's JSON. 400 for anything else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .errors import FhirError, parse_id

DEFAULT_COUNT = 50
MAX_COUNT = 200


def dates_of(body: dict[str, Any], resource_type: str) -> list[str]:
    """The instants a `date` search compares, per type."""
    if resource_type == "Observation":
        return [body.get("effectiveDateTime", "")]
    if resource_type == "Appointment":
        return [body.get("start", "")]
    if resource_type in ("Encounter", "EpisodeOfCare", "CarePlan"):
        return [body.get("period", {}).get("start", "")]
    if resource_type == "QuestionnaireResponse":
        return [body.get("authored", "")]
    if resource_type in ("Consent",):
        return [body.get("dateTime", "")]
    if resource_type == "DocumentReference":
        return [body.get("date", "")]
    if resource_type == "Goal":
        return [t.get("dueDate", "") for t in body.get("target", [])]
    return []


def status_of(body: dict[str, Any], resource_type: str) -> str:
    return body.get("lifecycleStatus" if resource_type == "Goal" else "status", "")


def codes_of(body: dict[str, Any]) -> set[str]:
    out = set()
    for coding in body.get("code", {}).get("coding", []):
        out.add(coding.get("code", ""))
        out.add(f"{coding.get('system', '')}|{coding.get('code', '')}")
    return out


# Search parameters each type supports (beyond _count, _lastUpdated, _include, _offset).
SEARCH_PARAMS: dict[str, tuple[str, ...]] = {
    "Patient": ("_id",),
    "EpisodeOfCare": ("patient", "date", "status"),
    "Appointment": ("patient", "date", "status"),
    "Encounter": ("patient", "date", "status"),
    "CarePlan": ("patient", "date", "status"),
    "Goal": ("patient", "target-date", "lifecycle-status"),
    "QuestionnaireResponse": ("patient", "authored", "status"),
    "Observation": ("patient", "date", "code", "status"),
    "Consent": ("patient", "date", "status"),
    "DocumentReference": ("patient", "date", "status"),
    "Provenance": ("patient",),
}
COMMON_PARAMS = ("_count", "_lastUpdated", "_include")
PARAM_DOCS = {
    "_id": "token",
    "patient": "reference",
    "date": "date",
    "target-date": "date",
    "authored": "date",
    "status": "token",
    "lifecycle-status": "token",
    "code": "token",
}
DATE_PARAMS = {"date", "target-date", "authored"}
STATUS_PARAMS = {"status", "lifecycle-status"}


@dataclass(frozen=True)
class DateBound:
    prefix: str
    start: datetime
    end: datetime

    def matches(self, instant: datetime) -> bool:
        if self.prefix == "eq":
            return self.start <= instant < self.end
        if self.prefix == "ne":
            return not (self.start <= instant < self.end)
        if self.prefix in ("ge", "sa"):
            return instant >= (self.start if self.prefix == "ge" else self.end)
        if self.prefix == "gt":
            return instant >= self.end
        if self.prefix == "le":
            return instant < self.end
        if self.prefix in ("lt", "eb"):
            return instant < self.start
        return False


def parse_date_param(name: str, raw: str) -> DateBound:
    prefix = raw[:2] if raw[:2].isalpha() else "eq"
    value = raw[2:] if raw[:2].isalpha() else raw
    if prefix not in ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb"):
        raise FhirError(400, f"{name}: unknown prefix {prefix!r}.", code="invalid")
    try:
        if len(value) == 4 and value.isdigit():
            start = datetime(int(value), 1, 1, tzinfo=UTC)
            end = datetime(int(value) + 1, 1, 1, tzinfo=UTC)
        elif len(value) == 7:
            year, month = int(value[:4]), int(value[5:7])
            start = datetime(year, month, 1, tzinfo=UTC)
            end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        elif len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            end = start + timedelta(days=1)
        else:
            start = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if start.tzinfo is None:
                raise ValueError("a time needs its zone")
            end = start + timedelta(seconds=1)
    except ValueError as exc:
        raise FhirError(
            400,
            f"{name}: {raw!r} is not a FHIR date "
            "(YYYY, YYYY-MM, YYYY-MM-DD or an instant with its zone).",
            code="invalid",
        ) from exc
    return DateBound(prefix, start, end)


def instant_of(value: str) -> datetime | None:
    if not value:
        return None
    if len(value) == 10:
        day = date.fromisoformat(value)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


Filter = Callable[[dict[str, Any]], bool]


def _last_updated_filter(bound: DateBound) -> Filter:
    def matches(body: dict[str, Any]) -> bool:
        instant = instant_of(body.get("meta", {}).get("lastUpdated", ""))
        return instant is not None and bound.matches(instant)

    return matches


def _date_filter(bound: DateBound, resource_type: str) -> Filter:
    def matches(body: dict[str, Any]) -> bool:
        return any(
            (instant := instant_of(value)) is not None and bound.matches(instant)
            for value in dates_of(body, resource_type)
        )

    return matches


def _status_filter(wanted: set[str], resource_type: str) -> Filter:
    def matches(body: dict[str, Any]) -> bool:
        return status_of(body, resource_type) in wanted

    return matches


def _code_filter(wanted: set[str]) -> Filter:
    def matches(body: dict[str, Any]) -> bool:
        return bool(codes_of(body) & wanted)

    return matches


@dataclass
class SearchQuery:
    resource_type: str
    patient_ids: list[int] | None
    count: int
    offset: int
    filters: list[Callable[[dict[str, Any]], bool]]
    include_patient: bool
    raw: list[tuple[str, str]]


def parse_search(resource_type: str, params: list[tuple[str, str]]) -> SearchQuery:
    """Check and parse a search's parameters; 400 (OperationOutcome) for anything unsupported."""
    allowed = set(SEARCH_PARAMS[resource_type]) | set(COMMON_PARAMS) | {"_offset", "_format"}
    query = SearchQuery(resource_type, None, DEFAULT_COUNT, 0, [], False, [])
    for name, value in params:
        base = name.split(":", 1)[0]
        if base not in allowed:
            raise FhirError(
                400,
                f"Unsupported search parameter {name!r} for {resource_type}; supported: "
                + ", ".join(sorted(allowed - {"_offset", "_format"})),
                code="not-supported",
            )
        if base == "_format":
            continue
        query.raw.append((name, value))
        if base in ("_count", "_offset"):
            if not value.isdigit() or len(value) > 6:
                raise FhirError(400, f"{base}: give a whole number.", code="invalid")
            number = int(value)
            if base == "_count":
                query.count = max(1, min(number, MAX_COUNT))
            else:
                query.offset = number
        elif base in ("patient", "_id"):
            ids = []
            for part in value.split(","):
                pk = parse_id(part.removeprefix("Patient/"))
                if pk is None:
                    raise FhirError(400, f"{base}: {part!r} is not a patient id.", code="invalid")
                ids.append(pk)
            query.patient_ids = (
                ids if query.patient_ids is None else [i for i in query.patient_ids if i in ids]
            )
        elif base in DATE_PARAMS or base == "_lastUpdated":
            bound = parse_date_param(base, value)
            if base == "_lastUpdated":
                query.filters.append(_last_updated_filter(bound))
            else:
                query.filters.append(_date_filter(bound, resource_type))
        elif base in STATUS_PARAMS:
            query.filters.append(_status_filter(set(value.split(",")), resource_type))
        elif base == "code":
            query.filters.append(_code_filter(set(value.split(","))))
        elif base == "_include":
            if (
                value not in (f"{resource_type}:patient", f"{resource_type}:subject", "*")
                or resource_type == "Patient"
            ):
                raise FhirError(
                    400,
                    f"_include: only {resource_type}:patient is supported.",
                    code="not-supported",
                )
            query.include_patient = True
    return query
