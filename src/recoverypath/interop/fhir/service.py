"""Reads of the FHIR API: read, search, $everything. Views only parse and render.

Access (interop/permissions.py, applied by fhir/access.py): staff of the client's program and
the client themself read by role; a consent recipient (a family member whose active consent
names the client) reads only the resources of the consented categories, each category shown
logged as a disclosure; anyone else (a user with no program role, no record and no active
consent) is refused everything with 403. Every read writes an audit event.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource

from recoverypath.core.audit import Action

from .access import (
    Reader,
    audit_read,
    forbidden_type,
    may_search_type,
    read_in_consented_category,
    reader_for,
    readers_for_search,
    require_fhir_user,
)
from .errors import FhirError, not_found, parse_id
from .mapping import BUILDERS, RESOURCE_TYPES
from .record import ClientRecord
from .search_params import (
    COMMON_PARAMS,
    PARAM_DOCS,
    SEARCH_PARAMS,
    DateBound,
    SearchQuery,
    instant_of,
    parse_date_param,
    parse_search,
)

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

__all__ = [
    "COMMON_PARAMS",
    "PARAM_DOCS",
    "SEARCH_PARAMS",
    "DateBound",
    "FhirError",
    "SearchQuery",
    "everything_bundle",
    "instant_of",
    "not_found",
    "parse_date_param",
    "parse_id",
    "patient_everything",
    "patient_record",
    "require_fhir_user",
    "resource_read",
    "resource_search",
]


def patient_record(*, user: User, client_id: Any, resource_type: str = "Patient") -> ClientRecord:
    """The record of a client `user` may read `resource_type` of by role: 404 when they may not
    see the client at all (never a hint it exists), 403 when they see it but not that type."""
    reader = reader_for(user=user, client_id=client_id, resource_type=resource_type)
    if reader.is_recipient:
        raise forbidden_type(resource_type)
    return reader.record


def _unknown_type(resource_type: str) -> FhirError:
    return FhirError(404, f"Unknown resource type {resource_type!r}.", code="not-supported")


# --- Read ------------------------------------------------------------------------------------


def resource_read(*, user: User, resource_type: str, resource_id: str) -> Resource:
    """One resource by id (see mapping's id scheme); an audited read, and for a consent
    recipient a logged disclosure of its category."""
    if resource_type not in BUILDERS:
        raise _unknown_type(resource_type)
    client_part = resource_id if resource_type == "Patient" else resource_id.split("-", 1)[0]
    if resource_type != "Patient" and "-" not in resource_id:
        require_fhir_user(user)
        raise not_found(resource_type)
    reader = reader_for(user=user, client_id=client_part, resource_type=resource_type)
    for category, build in reader.builders(resource_type):
        if reader.is_recipient and not read_in_consented_category(reader, category):
            continue
        for resource in build(reader.record):
            if resource.id == resource_id:
                audit_read(user, reader.client, Action.READ, resource_type, resource_id)
                reader.disclose({category})
                return resource
    raise not_found(resource_type)


# --- Search ----------------------------------------------------------------------------------


def _body(resource: Resource) -> dict[str, Any]:
    return json.loads(resource.model_dump_json())


def resource_search(
    *, user: User, resource_type: str, params: list[tuple[str, str]], base: str
) -> Bundle:
    """A searchset Bundle of `resource_type` over the clients `user` may see, paged by `_count`
    and `_offset` with self/next/previous links. Work stops once the page (and one more match,
    to know whether there is a next page) is found. One audit `list` event per client shown,
    and for a consent recipient one disclosure per client and category shown."""
    if resource_type not in BUILDERS:
        raise _unknown_type(resource_type)
    require_fhir_user(user)
    query = parse_search(resource_type, params)
    if not may_search_type(user=user, resource_type=resource_type):
        raise forbidden_type(resource_type)
    wanted = query.offset + query.count + 1
    matches: list[tuple[Reader, str, Resource]] = []
    for reader in readers_for_search(user=user, patient_ids=query.patient_ids):
        builders = reader.builders(resource_type)
        if not builders:
            if query.patient_ids is not None:
                raise forbidden_type(resource_type)
            continue
        for category, resource in reader.resources(resource_type):
            if all(f(_body(resource)) for f in query.filters):
                matches.append((reader, category, resource))
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
        for _, _, resource in page
    ]
    readers = {reader.client.id: reader for reader, _, _ in page}
    if query.include_patient:
        for reader in readers.values():
            for _, resource in reader.resources("Patient"):
                entries.append(
                    {
                        "fullUrl": f"{base}/Patient/{resource.id}",
                        "resource": resource,
                        "search": {"mode": "include"},
                    }
                )
    for reader in readers.values():
        audit_read(user, reader.client, Action.LIST, resource_type, "search")
        reader.disclose({category for r, category, _ in page if r is reader})

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


def _bundle(resources: Iterator[Resource], base: str) -> Bundle:
    entries = [
        {
            "fullUrl": f"{base}/{r.__resource_type__}/{r.id}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    return Bundle.model_validate({"type": "searchset", "total": len(entries), "entry": entries})


def everything_bundle(*, record: ClientRecord, base: str) -> Bundle:
    """Every resource the client's record produces, as one searchset Bundle (no access check:
    callers check it; see `patient_everything`)."""
    return _bundle(_everything(record), base)


def _everything(record: ClientRecord) -> Iterator[Resource]:
    for resource_type in RESOURCE_TYPES:
        yield from BUILDERS[resource_type](record)


def patient_everything(*, user: User, client_id: Any, base: str) -> Bundle:
    """`Patient/{id}/$everything`: by role for those who may read the whole clinical record; for
    a consent recipient, every resource of the consented categories (403 when those give
    nothing served here). Audited; a recipient's categories shown are logged as disclosures."""
    reader = reader_for(user=user, client_id=client_id, resource_type=None)
    if not reader.is_recipient:
        if not reader.builders("Observation"):
            raise forbidden_type("Observation")
        bundle = everything_bundle(record=reader.record, base=base)
        audit_read(user, reader.client, Action.READ, "Patient/$everything", str(reader.client.id))
        return bundle
    consulted = {c for t in RESOURCE_TYPES for c, _ in reader.builders(t)}
    if not consulted:
        raise FhirError(403, "Your consent covers nothing served through FHIR.", code="forbidden")
    bundle = _bundle(
        (resource for t in RESOURCE_TYPES for _, resource in reader.resources(t)), base
    )
    audit_read(user, reader.client, Action.READ, "Patient/$everything", str(reader.client.id))
    # As the family page: every consented category looked at is logged, even when it is empty.
    reader.disclose(consulted)
    return bundle
