"""The bulk export worker: NDJSON per type, in constant memory."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from recoverypath.consent.services import family_disclosures_record
from recoverypath.core import context
from recoverypath.core.audit import Action, audit_record_many

from ...models import BulkExport, BulkExportFile
from ..mapping import BUILDERS, recipient_mappers
from ..record import ClientRecord
from ..search_params import instant_of

if TYPE_CHECKING:
    from recoverypath.clients.models import Client

from .files import files_dir, retention
from .kick_off import export_clients, export_consented

PROGRESS_EVERY = 50  # clients between progress updates and cancellation checks
CLIENT_CHUNK = 200


# --- The worker ------------------------------------------------------------------------------


def _since_ok(line: str, since: datetime) -> bool:
    updated = instant_of(json.loads(line).get("meta", {}).get("lastUpdated", ""))
    return updated is not None and updated >= since


def export_run(*, export_id: str) -> BulkExport | None:
    """Run a queued export (the worker). Returns the export, or None if another worker claimed
    it or it was cancelled first.

    1. Claim it with a conditional UPDATE (queued -> running), so two workers never run it.
    2. For each client in scope (chunked iterator, ordered by id; then, for a patient export by
       a consent recipient, the clients their consents name), build only the requested types
       (a recipient: only the consented categories' resources) and write each resource as one
       line to its type's file; `_since` keeps resources whose meta.lastUpdated is at or after
       it. A recipient's categories are logged as disclosures, client by client.
    3. Every PROGRESS_EVERY clients, store progress, bulk-insert the clients' audit events, and
       stop (deleting the files) if the export was cancelled meanwhile.
    4. Record the non-empty files, mark it completed and set when it expires.
    """
    claimed = BulkExport.objects.filter(id=export_id, status=BulkExport.Status.QUEUED).update(
        status=BulkExport.Status.RUNNING
    )
    if not claimed:
        return None
    export = BulkExport.objects.select_related("requester").get(id=export_id)
    # The audit events name the export's request, wherever the worker runs.
    token = context.bind(context.RequestContext(path=export.request_url[:300]))
    try:
        return _run(export)
    finally:
        context.unbind(token)


Sources = list[tuple[str, Any]]


def _role_sources(resource_type: str) -> Sources:
    return [("", BUILDERS[resource_type])]


def _scope(export: BulkExport) -> Iterator[tuple[Client, dict | None]]:
    """(client, None) for each client by role, then (client, {category: consent}) for each
    client reached only under a consent."""
    clients = export_clients(export)
    for client in clients.iterator(chunk_size=CLIENT_CHUNK):
        yield client, None
    yield from export_consented(export, clients)


def _run(export: BulkExport) -> BulkExport | None:
    folder = files_dir(export)
    folder.mkdir(parents=True, exist_ok=True)
    clients = export_clients(export)
    consented_total = len(export_consented(export, clients))
    BulkExport.objects.filter(id=export.id).update(clients_total=clients.count() + consented_total)
    handles = {t: (folder / f"{t}.ndjson").open("w", encoding="utf-8") for t in export.types}
    counts = dict.fromkeys(export.types, 0)
    done = 0
    audit_batch: list[Client] = []
    try:
        for client, consents in _scope(export):
            record = ClientRecord(client)
            categories = set(consents or ())
            sources = {
                t: _role_sources(t) if consents is None else recipient_mappers(t, categories)
                for t in export.types
            }
            wrote = False
            for resource_type, pairs in sources.items():
                handle = handles[resource_type]
                for _, build in pairs:
                    for resource in build(record):
                        line = resource.model_dump_json()
                        if export.since and not _since_ok(line, export.since):
                            continue
                        handle.write(line)
                        handle.write("\n")
                        counts[resource_type] += 1
                        wrote = True
            if consents is not None:
                consulted = {c for pairs in sources.values() for c, _ in pairs}
                family_disclosures_record(
                    user=export.requester,
                    client=client,
                    shown={c: consents[c] for c in sorted(consulted)},
                    how="FHIR bulk export",
                )
            done += 1
            if wrote:
                audit_batch.append(client)
            if done % PROGRESS_EVERY == 0 and not _checkpoint(export, done, audit_batch):
                _close(handles)
                shutil.rmtree(folder, ignore_errors=True)
                return None
        _close(handles)
        _checkpoint(export, done, audit_batch)
        with transaction.atomic():
            for resource_type, count in counts.items():
                path = folder / f"{resource_type}.ndjson"
                if count == 0:
                    path.unlink(missing_ok=True)
                    continue
                BulkExportFile.objects.create(
                    export=export,
                    resource_type=resource_type,
                    name=path.name,
                    count=count,
                    size=path.stat().st_size,
                )
            now = timezone.now()
            finished = BulkExport.objects.filter(
                id=export.id, status=BulkExport.Status.RUNNING
            ).update(
                status=BulkExport.Status.COMPLETED,
                clients_done=done,
                finished_at=now,
                expires_at=now + retention(),
            )
        if not finished:  # cancelled at the last moment
            shutil.rmtree(folder, ignore_errors=True)
            return None
    except Exception as exc:
        _close(handles)
        shutil.rmtree(folder, ignore_errors=True)
        BulkExport.objects.filter(id=export.id).update(
            status=BulkExport.Status.FAILED,
            error=f"{type(exc).__name__}: the export could not be completed.",
            finished_at=timezone.now(),
        )
        raise
    export.refresh_from_db()
    return export


def _close(handles: dict[str, Any]) -> None:
    for handle in handles.values():
        if not handle.closed:
            handle.close()


def _checkpoint(export: BulkExport, done: int, audit_batch: list[Client]) -> bool:
    """Store progress and the audit rows so far; False when the export was cancelled."""
    if audit_batch:
        audit_record_many(
            actor=export.requester,
            action=Action.EXPORT,
            events=[
                {
                    "object_type": "fhir.$export",
                    "object_id": str(export.id),
                    "client_id": client.id,
                    "organization_id": client.organization_id,
                }
                for client in audit_batch
            ],
        )
        audit_batch.clear()
    return bool(
        BulkExport.objects.filter(id=export.id, status=BulkExport.Status.RUNNING).update(
            clients_done=done
        )
    )
