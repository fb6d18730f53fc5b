"""Bulk export files: where they live, status, manifest, cancel, download, retention."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record

from ...models import BulkExport, BulkExportFile
from ..errors import FhirError

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def export_dir() -> Path:
    """Where export files live (BULK_EXPORT_DIR, default VAR_DIR/bulk-exports): never served
    as static or media files, only through the requester's download endpoint."""
    return Path(getattr(settings, "BULK_EXPORT_DIR", settings.VAR_DIR / "bulk-exports"))


def retention() -> timedelta:
    return timedelta(hours=int(getattr(settings, "BULK_EXPORT_RETENTION_HOURS", 24)))


def files_dir(export: BulkExport) -> Path:
    return export_dir() / str(export.id)


# --- Status, cancel, download, retention ------------------------------------------------------


def export_get(*, user: User, export_id: Any) -> BulkExport:
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


def export_cancel(*, user: User, export_id: Any) -> BulkExport:
    """Cancel a queued or running export, or delete a finished one's files (DELETE)."""
    export = export_get(user=user, export_id=export_id)
    if export.status in (BulkExport.Status.CANCELLED, BulkExport.Status.EXPIRED):
        raise FhirError(404, "No such export.", code="not-found")
    BulkExport.objects.filter(id=export.id).update(
        status=BulkExport.Status.CANCELLED, finished_at=timezone.now()
    )
    export.files.all().delete()
    shutil.rmtree(files_dir(export), ignore_errors=True)
    audit_record(actor=user, action=Action.DELETE, obj=export, changes={"status": "cancelled"})
    export.refresh_from_db()
    return export


def export_file_path(
    *, user: User, export_id: Any, name: str
) -> tuple[BulkExport, BulkExportFile, Path]:
    export = export_get(user=user, export_id=export_id)
    if export.status != BulkExport.Status.COMPLETED:
        raise FhirError(404, "No such file.", code="not-found")
    file = export.files.filter(name=name).first()
    path = files_dir(export) / name if file else None
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
