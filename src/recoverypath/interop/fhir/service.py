"""Reads of the FHIR API: access, read, search, $everything. Views only parse and render.

Access is the rest of the app's (core.permissions): staff of the client's program and the client
themself reach a record; Patient, EpisodeOfCare, Appointment and Encounter need `can_view_client`
(front desk included), every clinical type `can_view_clinical_record` (coordinators and up, the
client). Anyone else (a family member or provider account, or a user with no program role and no
record) is refused everything with 403 until the consent check of issue 15 is wired here.
Every read writes an audit event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource

from recoverypath.clients.models import Client
from recoverypath.clients.selectors import client_queryset_for_user
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.params import MAX_ID

from .mapping import BUILDERS, RESOURCE_TYPES
from .record import ClientRecord

DEMOGRAPHIC_TYPES = frozenset({"Patient", "EpisodeOfCare", "Appointment", "Encounter"})
DEFAULT_COUNT = 50
MAX_COUNT = 200


class FhirError(Exception):
    """A refused FHIR request, answered as an OperationOutcome with this HTTP status."""

    def __init__(self, status: int, message: str, *, code: str = "processing") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def parse_id(value: Any) -> int | None:
    """A FHIR id that names a client (digits only, within the database's range), else None."""
    text = str(value or "")
    if not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def not_found(what: str = "resource") -> FhirError:
    return FhirError(404, f"No such {what}.", code="not-found")


# --- Access ----------------------------------------------------------------------------------


def may_use_fhir(user) -> bool:
    """Staff with a program role, or a client with a record of their own."""
    if not user.is_authenticated or not user.is_active:
        return False
    if permissions.is_staff_member(user):
        return True
    return Client.objects.filter(user_id=user.id).exists()


def require_fhir_user(user) -> None:
    if not may_use_fhir(user):
        raise FhirError(
            403,
            "This account has no access to client records through FHIR.",
            code="forbidden",
        )


def can_read_type(user, client: Client, resource_type: str) -> bool:
    if resource_type in DEMOGRAPHIC_TYPES:
        return permissions.can_view_client(user, client)
    return permissions.can_view_clinical_record(user, client)


def _may_read_type_anywhere(user, resource_type: str) -> bool:
    if resource_type in DEMOGRAPHIC_TYPES:
        return True
    if Client.objects.filter(user_id=user.id).exists():
        return True
    return bool(permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR))


def _clients(user) -> QuerySet[Client]:
    return client_queryset_for_user(user=user).select_related("program", "organization")


def patient_record(*, user, client_id: Any, resource_type: str = "Patient") -> ClientRecord:
    """The record of a client `user` may read `resource_type` of: 404 when they may not see the
    client at all (never a hint it exists), 403 when they see the client but not that type."""
    require_fhir_user(user)
    pk = parse_id(client_id)
    client = _clients(user).filter(pk=pk).first() if pk is not None else None
    if client is None or not permissions.can_view_client(user, client):
        raise not_found("patient")
    if not can_read_type(user, client, resource_type):
        raise FhirError(403, f"Your role may not read {resource_type} resources.", code="forbidden")
    return ClientRecord(client)


def _audit(user, client: Client, action: str, object_type: str, object_id: str) -> None:
    audit_record(
        actor=user,
        action=action,
        object_type=f"fhir.{object_type}"[:60],
        object_id=object_id[:64],
        client_id=client.id,
        organization_id=client.organization_id,
    )


# --- Read ------------------------------------------------------------------------------------


def resource_read(*, user, resource_type: str, resource_id: str) -> Resource:
    """One resource by id (see mapping's id scheme); an audited read."""
    if resource_type not in BUILDERS:
        raise FhirError(404, f"Unknown resource type {resource_type!r}.", code="not-supported")
    client_part = resource_id if resource_type == "Patient" else resource_id.split("-", 1)[0]
    if resource_type != "Patient" and "-" not in resource_id:
        require_fhir_user(user)
        raise not_found(resource_type)
    record = patient_record(user=user, client_id=client_part, resource_type=resource_type)
    for resource in BUILDERS[resource_type](record):
        if resource.id == resource_id:
            _audit(user, record.client, Action.READ, resource_type, resource_id)
            return resource
    raise not_found(resource_type)


# --- Search ----------------------------------------------------------------------------------


def _dates(body: dict[str, Any], resource_type: str) -> list[str]:
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


def _status(body: dict[str, Any], resource_type: str) -> str:
    return body.get("lifecycleStatus" if resource_type == "Goal" else "status", "")


def _codes(body: dict[str, Any]) -> set[str]:
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
                query.filters.append(
                    lambda body, b=bound: (
                        (i := instant_of(body.get("meta", {}).get("lastUpdated", ""))) is not None
                        and b.matches(i)
                    )
                )
            else:
                query.filters.append(
                    lambda body, b=bound: any(
                        (i := instant_of(v)) is not None and b.matches(i)
                        for v in _dates(body, resource_type)
                    )
                )
        elif base in STATUS_PARAMS:
            wanted = set(value.split(","))
            query.filters.append(lambda body, w=wanted: _status(body, resource_type) in w)
        elif base == "code":
            wanted = set(value.split(","))
            query.filters.append(lambda body, w=wanted: bool(_codes(body) & w))
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


def _body(resource: Resource) -> dict[str, Any]:
    return json.loads(resource.model_dump_json())


def _search_clients(user, query: SearchQuery) -> Iterator[Client]:
    qs = _clients(user).order_by("id")
    if query.patient_ids is not None:
        found = list(qs.filter(pk__in=query.patient_ids))
        if len(found) < len(set(query.patient_ids)):
            raise not_found("patient")
        yield from found
        return
    yield from qs.iterator(chunk_size=200)


def resource_search(
    *, user, resource_type: str, params: list[tuple[str, str]], base: str
) -> Bundle:
    """A searchset Bundle of `resource_type` over the clients `user` may see, paged by `_count`
    and `_offset` with self/next/previous links. Work stops once the page (and one more match,
    to know whether there is a next page) is found. One audit `list` event per client shown."""
    if resource_type not in BUILDERS:
        raise FhirError(404, f"Unknown resource type {resource_type!r}.", code="not-supported")
    require_fhir_user(user)
    query = parse_search(resource_type, params)
    if not _may_read_type_anywhere(user, resource_type):
        raise FhirError(403, f"Your role may not read {resource_type} resources.", code="forbidden")
    wanted = query.offset + query.count + 1
    matches: list[tuple[Client, Resource]] = []
    for client in _search_clients(user, query):
        if not can_read_type(user, client, resource_type):
            if query.patient_ids is not None:
                raise FhirError(
                    403, f"Your role may not read {resource_type} resources.", code="forbidden"
                )
            continue
        record = ClientRecord(client)
        for resource in BUILDERS[resource_type](record):
            if all(f(_body(resource)) for f in query.filters):
                matches.append((client, resource))
                if len(matches) >= wanted:
                    break
        if len(matches) >= wanted:
            break
    page = matches[query.offset : query.offset + query.count]
    has_next = len(matches) > query.offset + query.count
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": f"{base}/{resource_type}/{resource.id}",
            "resource": resource,
            "search": {"mode": "match"},
        }
        for _, resource in page
    ]
    clients = {client.id: client for client, _ in page}
    if query.include_patient:
        for client in clients.values():
            for resource in BUILDERS["Patient"](ClientRecord(client)):
                entries.append(
                    {
                        "fullUrl": f"{base}/Patient/{resource.id}",
                        "resource": resource,
                        "search": {"mode": "include"},
                    }
                )
    for client in clients.values():
        _audit(user, client, Action.LIST, resource_type, "search")

    def link(offset: int) -> str:
        kept = [(k, v) for k, v in query.raw if k not in ("_offset", "_count")]
        kept += [("_count", str(query.count)), ("_offset", str(offset))]
        return f"{base}/{resource_type}?{urlencode(kept)}"

    links = [{"relation": "self", "url": link(query.offset)}]
    if has_next:
        links.append({"relation": "next", "url": link(query.offset + query.count)})
    if query.offset:
        links.append({"relation": "previous", "url": link(max(0, query.offset - query.count))})
    data: dict[str, Any] = {"type": "searchset", "link": links, "entry": entries}
    if query.offset == 0 and not has_next:
        data["total"] = len(page)
    return Bundle.model_validate(data)


# --- $everything -----------------------------------------------------------------------------


def everything_bundle(*, record: ClientRecord, base: str) -> Bundle:
    """Every resource the client's record produces, as one searchset Bundle (no access check:
    callers check it; see `patient_everything`)."""
    entries = [
        {
            "fullUrl": f"{base}/{r.__resource_type__}/{r.id}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in _everything(record)
    ]
    return Bundle.model_validate({"type": "searchset", "total": len(entries), "entry": entries})


def _everything(record: ClientRecord) -> Iterator[Resource]:
    for resource_type in RESOURCE_TYPES:
        yield from BUILDERS[resource_type](record)


def patient_everything(*, user, client_id: Any, base: str) -> Bundle:
    """`Patient/{id}/$everything` for those who may read the whole clinical record; audited."""
    record = patient_record(user=user, client_id=client_id, resource_type="Observation")
    bundle = everything_bundle(record=record, base=base)
    _audit(user, record.client, Action.READ, "Patient/$everything", str(record.client.id))
    return bundle
