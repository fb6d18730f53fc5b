"""What every aftercare write shares: the coordination rule and the audit row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from recoverypath.core.audit import audit_record

from ..permissions import can_manage_aftercare_plan

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def require_coordination(actor: User, client: Client) -> None:
    if not can_manage_aftercare_plan(actor, client):
        raise PermissionDenied("Only coordinators, clinicians and admins manage aftercare plans.")


def audit(actor: User, obj, client: Client, action: str, changes: dict | None = None) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        client_id=client.id,
        organization_id=client.organization_id,
        changes=changes or {},
    )
