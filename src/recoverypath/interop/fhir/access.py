"""Whose record a FHIR request reaches, and how: by role or under a Part 2 consent
(the rules are interop/permissions.py).

A `Reader` is one client's record as one user may read it. By role it gives every resource of a
type the role may read. As a consent recipient it gives only what the consented categories'
mappers give a recipient (per mapper, so per resource, not per type), and every category shown
is logged as a disclosure, as the family page logs it. Without an active consent the client does
not exist for them (404); with one that does not cover a type, 403.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from fhir.resources.R4B.resource import Resource

from recoverypath.clients.selectors import client_queryset_for_user
from recoverypath.consent.selectors import family_grants
from recoverypath.consent.services import family_disclosures_record
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record

from ..permissions import (
    can_read_fhir_type,
    can_read_fhir_type_somewhere,
    can_receive_consented_category,
    can_use_fhir,
)
from .errors import FhirError, not_found, parse_id
from .mapping import BUILDERS, recipient_mappers
from .record import ClientRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client
    from recoverypath.core.hooks.interop import FhirBuilder

DISCLOSED_VIA = "FHIR API"
# Grants: {client id: (client, {category: consent})}, from consent.selectors.family_grants.
Grants = dict[int, tuple[Any, dict[str, Any]]]


def forbidden_type(resource_type: str) -> FhirError:
    return FhirError(403, f"Your role may not read {resource_type} resources.", code="forbidden")


def require_fhir_user(user: User | AnonymousUser) -> None:
    if not can_use_fhir(user):
        raise FhirError(
            403,
            "This account has no access to client records through FHIR.",
            code="forbidden",
        )


@dataclass
class Reader:
    """One client's record as `user` may read it: by role (`consents` is None), or under the
    consents naming them (`consents`: {category: the consent that allows it})."""

    user: User
    client: Client
    consents: dict[str, Any] | None = None
    record: ClientRecord = field(init=False)

    def __post_init__(self) -> None:
        self.record = ClientRecord(self.client)

    @property
    def is_recipient(self) -> bool:
        return self.consents is not None

    def builders(self, resource_type: str) -> list[tuple[str, FhirBuilder]]:
        """(consent category, builder) pairs for `resource_type` (category "" by role); empty
        when the user may not read that type of this client."""
        if self.consents is None:
            if not can_read_fhir_type(self.user, self.client, resource_type):
                return []
            return [("", BUILDERS[resource_type])]
        return recipient_mappers(resource_type, set(self.consents))

    def resources(self, resource_type: str) -> Iterator[tuple[str, Resource]]:
        for category, build in self.builders(resource_type):
            for resource in build(self.record):
                yield category, resource

    def disclose(self, categories: set[str]) -> None:
        """Log the categories shown to a consent recipient (nothing for a role read)."""
        if self.consents is None or not categories:
            return
        family_disclosures_record(
            user=self.user,
            client=self.client,
            shown={c: self.consents[c] for c in sorted(categories) if c in self.consents},
            how=DISCLOSED_VIA,
        )


def _role_clients(user: User) -> QuerySet[Client]:
    return client_queryset_for_user(user=user).select_related("program", "organization")


def _grants(user: User, client_id: int | None = None) -> Grants:
    if permissions.is_staff_member(user):
        return {}  # staff read by role; a consent names a family member's own login
    return family_grants(user=user, client_id=client_id)


def reader_for(*, user: User, client_id: Any, resource_type: str | None) -> Reader:
    """The reader of one client for a request about `resource_type` (None: any): 404 when the
    user may not see the client at all (never a hint it exists), 403 when they see it but not
    that type."""
    require_fhir_user(user)
    pk = parse_id(client_id)
    client = _role_clients(user).filter(pk=pk).first() if pk is not None else None
    if client is not None and permissions.can_view_client(user, client):
        reader = Reader(user, client)
    else:
        granted = _grants(user, pk).get(pk) if pk is not None else None
        if granted is None:
            raise not_found("patient")
        reader = Reader(user, granted[0], dict(granted[1]))
    if resource_type is not None and not reader.builders(resource_type):
        raise forbidden_type(resource_type)
    return reader


def read_in_consented_category(reader: Reader, category: str) -> bool:
    """For one resource a recipient asks for: the one consent check, asked again for its
    category (a consent revoked since the grants were read allows nothing)."""
    return can_receive_consented_category(reader.user, reader.client, category)


def readers_for_search(*, user: User, patient_ids: list[int] | None) -> Iterator[Reader]:
    """The readers a search walks, in client id order: the clients `user` sees by role and (for a
    consent recipient) those their active consents name. 404 when a named patient is neither."""
    grants = _grants(user)
    role = _role_clients(user).order_by("id")
    if patient_ids is not None:
        found = {c.id: Reader(user, c) for c in role.filter(pk__in=patient_ids)}
        for cid, (client, consents) in grants.items():
            if cid in patient_ids and cid not in found:
                found[cid] = Reader(user, client, dict(consents))
        if len(found) < len(set(patient_ids)):
            raise not_found("patient")
        yield from (found[cid] for cid in sorted(found))
        return
    by_role = ((c.id, Reader(user, c)) for c in role.iterator(chunk_size=200))
    if not grants:
        yield from (reader for _, reader in by_role)
        return
    role_ids = set(role.filter(pk__in=list(grants)).values_list("id", flat=True))
    consented = [
        (cid, Reader(user, client, dict(consents)))
        for cid, (client, consents) in sorted(grants.items())
        if cid not in role_ids
    ]
    for _, reader in heapq.merge(by_role, consented, key=lambda pair: pair[0]):
        yield reader


def may_search_type(*, user: User, resource_type: str) -> bool:
    """Whether a search of `resource_type` could give `user` anything (else 403)."""
    if can_read_fhir_type_somewhere(user, resource_type):
        return True
    categories = {c for _, by_category in _grants(user).values() for c in by_category}
    return bool(recipient_mappers(resource_type, categories))


def audit_read(user: User, client: Client, action: str, object_type: str, object_id: str) -> None:
    audit_record(
        actor=user,
        action=action,
        object_type=f"fhir.{object_type}"[:60],
        object_id=object_id[:64],
        client_id=client.id,
        organization_id=client.organization_id,
    )
