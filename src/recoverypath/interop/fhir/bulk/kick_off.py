"""Bulk export scope and kick-off (see the package docstring for who may export what)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from recoverypath.clients.selectors import client_queryset_for_user
from recoverypath.consent.selectors import family_grants
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record

from ...models import BulkExport
from ...permissions import (
    can_export_fhir_group,
    can_export_fhir_patients,
    can_export_fhir_system,
    can_use_fhir,
)
from ..errors import FhirError
from ..mapping import BUILDERS, RESOURCE_TYPES
from ..search_params import parse_date_param

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


NDJSON_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")


# --- Scope -----------------------------------------------------------------------------------


def export_clients(export: BulkExport) -> QuerySet[Client]:
    """The clients an export covers by the requester's role, judged by their rights now."""
    user = export.requester
    qs = client_queryset_for_user(user=user)
    if export.level == BulkExport.Level.SYSTEM:
        programs = permissions.staff_program_ids(user, min_rank=permissions.Rank.ADMIN)
        qs = qs.filter(program_id__in=programs)
    elif export.level == BulkExport.Level.GROUP:
        group = export.program_id
        if group is not None and can_export_fhir_group(user, group):
            qs = qs.filter(program_id=group)
        else:
            qs = qs.none()
    else:
        programs = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
        qs = qs.filter(Q(program_id__in=programs) | Q(user_id=user.id))
    return qs.select_related("program", "organization").order_by("id")


def export_consented(export: BulkExport, by_role: QuerySet[Client]) -> list[tuple[Client, dict]]:
    """(client, {category: consent}) for the clients a patient export reaches only under the
    consents naming the requester, judged now (none for system and group exports)."""
    if export.level != BulkExport.Level.PATIENT:
        return []
    grants = family_grants(user=export.requester)
    if not grants:
        return []
    role_ids = set(by_role.filter(pk__in=list(grants)).values_list("id", flat=True))
    return [
        (client, dict(consents))
        for cid, (client, consents) in sorted(grants.items())
        if cid not in role_ids
    ]


# --- Kick-off --------------------------------------------------------------------------------


def _parse_types(raw: str) -> list[str]:
    if not raw:
        return list(RESOURCE_TYPES)
    types = []
    for name in raw.split(","):
        name = name.strip()
        if name not in BUILDERS:
            raise FhirError(
                400,
                f"_type: {name!r} is not exported; exported types: {', '.join(RESOURCE_TYPES)}.",
                code="not-supported",
            )
        if name not in types:
            types.append(name)
    return types


def _parse_since(raw: str) -> datetime | None:
    if not raw:
        return None
    bound = parse_date_param("_since", raw)
    if bound.prefix != "eq":
        raise FhirError(400, "_since: give an instant, without a prefix.", code="invalid")
    return bound.start


def export_kick_off(
    *,
    user: User,
    level: str,
    params: dict[str, str],
    prefer: str,
    request_url: str,
    program_id: int | None = None,
) -> BulkExport:
    """Validate and queue an export; the worker runs it after commit.

    1. Only people who may use FHIR; a group must be a program the requester administers (else
       404); system and group exports need an admin role somewhere (else 403).
    2. `Prefer: respond-async` is required; `_outputFormat` must be NDJSON; `_type` names served
       types; `_since` is an instant. Any other parameter is refused (400).
    3. One export at a time per requester: another while one is queued or running is 429.
    4. Audited as an export.
    """
    if not can_use_fhir(user):
        raise FhirError(403, "This account may not export records.", code="forbidden")
    if level == BulkExport.Level.GROUP:
        if not program_id or not can_export_fhir_group(user, program_id):
            raise FhirError(404, "No such group.", code="not-found")
    elif level == BulkExport.Level.SYSTEM and not can_export_fhir_system(user):
        raise FhirError(403, "System exports are for program admins.", code="forbidden")
    elif level == BulkExport.Level.PATIENT and not can_export_fhir_patients(user):
        raise FhirError(403, "Your role may not export clinical records.", code="forbidden")
    if "respond-async" not in prefer:
        raise FhirError(400, "Send the header `Prefer: respond-async`.", code="invalid")
    unknown = set(params) - {"_type", "_since", "_outputFormat"}
    if unknown:
        raise FhirError(
            400, f"Unsupported parameter(s): {', '.join(sorted(unknown))}.", code="not-supported"
        )
    output_format = params.get("_outputFormat", "")
    if output_format and output_format not in NDJSON_FORMATS:
        raise FhirError(400, "_outputFormat: only NDJSON is produced.", code="not-supported")
    types = _parse_types(params.get("_type", ""))
    since = _parse_since(params.get("_since", ""))
    with transaction.atomic():
        busy = BulkExport.objects.select_for_update().filter(
            requester=user, status__in=BulkExport.ACTIVE_STATUSES
        )
        if busy.exists():
            raise FhirError(
                429,
                "An export of yours is still running; wait for it or cancel it.",
                code="throttled",
            )
        export = BulkExport.objects.create(
            requester=user,
            level=level,
            program_id=program_id if level == BulkExport.Level.GROUP else None,
            types=types,
            since=since,
            request_url=request_url[:1000],
            transaction_time=timezone.now(),
        )
        audit_record(
            actor=user,
            action=Action.EXPORT,
            obj=export,
            changes={"level": level, "types": types, "since": since and since.isoformat()},
        )
        transaction.on_commit(lambda: _enqueue(export.id))
    return export


def _enqueue(export_id) -> None:
    from ...tasks import bulk_export_run

    bulk_export_run(str(export_id))
