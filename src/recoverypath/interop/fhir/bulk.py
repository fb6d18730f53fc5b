"""FHIR Bulk Data Access 2.0 `$export`: kick-off, the worker's run, status, cancel, download,
retention. The worker writes one NDJSON file per resource type, line by line, loading one
client's record at a time (clients read with a chunked iterator), so memory does not grow with
the size of the export.

Who may export what:
- system (`/$export`): the clients of every program where the requester is an admin;
- group (`/Group/{program id}/$export`): that program's clients, for its admins;
- patient (`/Patient/$export`): the clients whose clinical record the requester may read
  (coordinators and up of their programs; a client: their own record).
Anyone else: 403 (no program admin) or 404 (a program that is not theirs).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.models import AuditEvent

from ..models import BulkExport, BulkExportFile
from .mapping import BUILDERS, RESOURCE_TYPES
from .record import ClientRecord
from .service import FhirError, instant_of, may_use_fhir, parse_date_param

NDJSON_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")
PROGRESS_EVERY = 50  # clients between progress updates and cancellation checks
CLIENT_CHUNK = 200


def export_dir() -> Path:
    """Where export files live (BULK_EXPORT_DIR, default VAR_DIR/bulk-exports): never served
    as static or media files, only through the requester's download endpoint."""
    return Path(getattr(settings, "BULK_EXPORT_DIR", settings.VAR_DIR / "bulk-exports"))


def retention() -> timedelta:
    return timedelta(hours=int(getattr(settings, "BULK_EXPORT_RETENTION_HOURS", 24)))


def _files_dir(export: BulkExport) -> Path:
    return export_dir() / str(export.id)


# --- Scope -----------------------------------------------------------------------------------


def export_clients(export: BulkExport) -> QuerySet[Client]:
    """The clients an export covers, judged by the requester's rights now."""
    user = export.requester
    if export.level == BulkExport.Level.SYSTEM:
        programs = permissions.staff_program_ids(user, min_rank=permissions.Rank.ADMIN)
        qs = Client.objects.filter(program_id__in=programs)
    elif export.level == BulkExport.Level.GROUP:
        allowed = permissions.has_rank(user, export.program_id, permissions.Rank.ADMIN)
        qs = Client.objects.filter(program_id=export.program_id if allowed else None)
    else:
        programs = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
        qs = Client.objects.filter(Q(program_id__in=programs) | Q(user_id=user.id))
    return qs.select_related("program", "organization").order_by("id")


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
    user,
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
    if not may_use_fhir(user):
        raise FhirError(403, "This account may not export records.", code="forbidden")
    if level == BulkExport.Level.GROUP:
        program = Program.objects.filter(pk=program_id).first() if program_id else None
        if program is None or not permissions.has_rank(user, program.id, permissions.Rank.ADMIN):
            raise FhirError(404, "No such group.", code="not-found")
    elif level == BulkExport.Level.SYSTEM and not permissions.staff_program_ids(
        user, min_rank=permissions.Rank.ADMIN
    ):
        raise FhirError(403, "System exports are for program admins.", code="forbidden")
    elif (
        level == BulkExport.Level.PATIENT
        and not permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
        and not Client.objects.filter(user_id=user.id).exists()
    ):
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
    from ..tasks import bulk_export_run

    bulk_export_run(str(export_id))


# --- The worker ------------------------------------------------------------------------------


def _since_ok(line: str, since: datetime) -> bool:
    updated = instant_of(json.loads(line).get("meta", {}).get("lastUpdated", ""))
    return updated is not None and updated >= since


def export_run(*, export_id: str) -> BulkExport | None:
    """Run a queued export (the worker). Returns the export, or None if another worker claimed
    it or it was cancelled first.

    1. Claim it with a conditional UPDATE (queued -> running), so two workers never run it.
    2. For each client in scope (chunked iterator, ordered by id), build only the requested
       types and write each resource as one line to its type's file; `_since` keeps resources
       whose meta.lastUpdated is at or after it.
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
    folder = _files_dir(export)
    folder.mkdir(parents=True, exist_ok=True)
    clients = export_clients(export)
    BulkExport.objects.filter(id=export.id).update(clients_total=clients.count())
    handles = {t: (folder / f"{t}.ndjson").open("w", encoding="utf-8") for t in export.types}
    counts = dict.fromkeys(export.types, 0)
    done = 0
    audit_batch: list[AuditEvent] = []
    try:
        for client in clients.iterator(chunk_size=CLIENT_CHUNK):
            record = ClientRecord(client)
            wrote = False
            for resource_type in export.types:
                handle = handles[resource_type]
                for resource in BUILDERS[resource_type](record):
                    line = resource.model_dump_json()
                    if export.since and not _since_ok(line, export.since):
                        continue
                    handle.write(line)
                    handle.write("\n")
                    counts[resource_type] += 1
                    wrote = True
            done += 1
            if wrote:
                audit_batch.append(_audit_row(export, client))
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


def _audit_row(export: BulkExport, client: Client) -> AuditEvent:
    user = export.requester
    return AuditEvent(
        actor=user,
        actor_email=user.email,
        action=Action.EXPORT,
        object_type="fhir.$export",
        object_id=str(export.id),
        client_id=client.id,
        organization_id=client.organization_id,
        path=export.request_url[:300],
    )


def _checkpoint(export: BulkExport, done: int, audit_batch: list[AuditEvent]) -> bool:
    """Store progress and the audit rows so far; False when the export was cancelled."""
    if audit_batch:
        AuditEvent.objects.bulk_create(audit_batch)
        audit_batch.clear()
    return bool(
        BulkExport.objects.filter(id=export.id, status=BulkExport.Status.RUNNING).update(
            clients_done=done
        )
    )


# --- Status, cancel, download, retention ------------------------------------------------------


def export_get(*, user, export_id: Any) -> BulkExport:
    """The requester's own export; 404 for anyone else or an unknown id."""
    export = None
    if user.is_authenticated:
        export = BulkExport.objects.filter(id=export_id, requester_id=user.id).first()
    if export is None:
        raise FhirError(404, "No such export.", code="not-found")
    return export


def export_manifest(*, export: BulkExport, base: str) -> dict[str, Any]:
    files = export.files.order_by("resource_type")
    return {
        "transactionTime": export.transaction_time.isoformat().replace("+00:00", "Z"),
        "request": export.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": f.resource_type,
                "url": f"{base}/$export-file/{export.id}/{f.name}",
                "count": f.count,
            }
            for f in files
        ],
        "error": [],
    }


def export_cancel(*, user, export_id: Any) -> BulkExport:
    """Cancel a queued or running export, or delete a finished one's files (DELETE)."""
    export = export_get(user=user, export_id=export_id)
    if export.status in (BulkExport.Status.CANCELLED, BulkExport.Status.EXPIRED):
        raise FhirError(404, "No such export.", code="not-found")
    BulkExport.objects.filter(id=export.id).update(
        status=BulkExport.Status.CANCELLED, finished_at=timezone.now()
    )
    export.files.all().delete()
    shutil.rmtree(_files_dir(export), ignore_errors=True)
    audit_record(actor=user, action=Action.DELETE, obj=export, changes={"status": "cancelled"})
    export.refresh_from_db()
    return export


def export_file_path(*, user, export_id: Any, name: str) -> tuple[BulkExport, BulkExportFile, Path]:
    export = export_get(user=user, export_id=export_id)
    if export.status != BulkExport.Status.COMPLETED:
        raise FhirError(404, "No such file.", code="not-found")
    file = export.files.filter(name=name).first()
    path = _files_dir(export) / name if file else None
    if file is None or path is None or not path.is_file():
        raise FhirError(404, "No such file.", code="not-found")
    audit_record(
        actor=user,
        action=Action.EXPORT,
        obj=export,
        object_type="interop.bulkexportfile",
        object_id=f"{export.id}/{name}"[:64],
    )
    return export, file, path


def exports_purge(*, now: datetime | None = None) -> int:
    """Delete the files of exports past their retention (the periodic job). Returns how many."""
    now = now or timezone.now()
    expired = list(
        BulkExport.objects.filter(
            status=BulkExport.Status.COMPLETED, expires_at__lte=now
        ).values_list("id", flat=True)
    )
    for export_id in expired:
        shutil.rmtree(export_dir() / str(export_id), ignore_errors=True)
    BulkExportFile.objects.filter(export_id__in=expired).delete()
    BulkExport.objects.filter(id__in=expired).update(status=BulkExport.Status.EXPIRED)
    return len(expired)
