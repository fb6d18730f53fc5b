"""What every alert write shares: its audit row, its history event, the lock, the checks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from recoverypath.core.audit import audit_record, model_changes, snapshot
from recoverypath.core.errors import ConflictError

from ..models import Alert, AlertEvent
from ..permissions import can_act_on_alert

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User


AUDIT_FIELDS = [
    "kind",
    "severity",
    "reason",
    "status",
    "assignee",
    "resolution_note",
    "escalation_level",
]
CLIENT_RELATED = ("client", "client__coordinator", "client__primary_clinician", "assignee")


def _audit(
    *, actor: User | AnonymousUser | None, alert: Alert, action: str, before: dict | None = None
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=alert,
        client_id=alert.client_id,
        organization_id=alert.client.organization_id,
        changes=model_changes(before or {}, snapshot(alert, AUDIT_FIELDS)),
    )


def _event(
    alert: Alert,
    kind: str,
    *,
    at: datetime,
    actor: User | AnonymousUser | None = None,
    note: str = "",
    notified=(),
):
    return AlertEvent.objects.create(
        alert=alert,
        kind=kind,
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        level=alert.escalation_level,
        note=note,
        notified=sorted({person.id for person in notified}),
    )


def _check_transition(alert: Alert, to_status: str, verb: str) -> None:
    if to_status not in Alert.ALLOWED_TRANSITIONS[Alert.Status(alert.status)]:
        raise ConflictError(
            f"This alert is {alert.get_status_display().lower()}: it cannot be {verb}."
        )


def _locked(alert: Alert) -> Alert:
    """Re-read the row under a lock so concurrent clicks see each other's work."""
    fresh = (
        Alert.objects.select_for_update(of=("self",))
        .select_related(*CLIENT_RELATED)
        .get(pk=alert.pk)
    )
    return fresh


def _require_actor(actor: User, alert: Alert) -> None:
    if not can_act_on_alert(actor, alert):
        raise PermissionDenied("You cannot act on this alert.")
