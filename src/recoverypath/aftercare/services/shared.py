"""What every aftercare write shares: the coordination rule and the audit row."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from recoverypath.clients.models import Client
from recoverypath.core.audit import audit_record

from ..permissions import can_manage_aftercare_plan


def require_coordination(actor, client: Client) -> None:
    if not can_manage_aftercare_plan(actor, client):
        raise PermissionDenied("Only coordinators, clinicians and admins manage aftercare plans.")


def audit(actor, obj, client: Client, action: str, changes: dict | None = None) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        client_id=client.id,
        organization_id=client.organization_id,
        changes=changes or {},
    )
