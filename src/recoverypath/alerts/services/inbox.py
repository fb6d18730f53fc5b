"""What staff do in the inbox: acknowledge, assign, resolve."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from recoverypath.core.audit import Action, snapshot
from recoverypath.core.errors import ConflictError
from recoverypath.core.hooks.alerts import alerts_changed

from ..models import Alert, AlertEvent
from ..permissions import can_act_on_alert
from ..selectors import alert_assignee_choices
from ._common import (
    AUDIT_FIELDS,
    _audit,
    _check_transition,
    _event,
    _locked,
    _require_actor,
)
from .chain import (
    _notify,
)

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


ASSIGNEE_ERROR = "Choose a coordinator, clinician or admin of the client's program."


def alert_acknowledge(*, actor: User, alert: Alert) -> Alert:
    """Someone has seen it and owns it now: stops escalation. ConflictError if not open."""
    _require_actor(actor, alert)
    now = timezone.now()
    with transaction.atomic():
        alert = _locked(alert)
        _check_transition(alert, Alert.Status.ACKNOWLEDGED, "acknowledged")
        before = snapshot(alert, AUDIT_FIELDS)
        alert.status = Alert.Status.ACKNOWLEDGED
        alert.acknowledged_at = now
        alert.acknowledged_by = actor
        alert.escalation_due_at = None
        alert.save(
            update_fields=[
                "status",
                "acknowledged_at",
                "acknowledged_by",
                "escalation_due_at",
                "updated_at",
            ]
        )
        _event(alert, AlertEvent.Kind.ACKNOWLEDGED, at=now, actor=actor)
        _audit(actor=actor, alert=alert, action=Action.UPDATE, before=before)
    return alert


def alert_acknowledge_many(*, actor: User, alerts: list[Alert]) -> int:
    """Acknowledge each open alert the actor may act on; others are skipped. Returns the count."""
    done = 0
    for alert in alerts:
        if alert.status != Alert.Status.OPEN or not can_act_on_alert(actor, alert):
            continue
        try:
            alert_acknowledge(actor=actor, alert=alert)
        except ConflictError:  # someone else got there first
            continue
        done += 1
    return done


def alert_assign(*, actor: User, alert: Alert, assignee: User | None) -> Alert:
    """Give the alert to a coordinator, clinician or admin of the client's program (or nobody).

    The new assignee is told. Raises PermissionDenied, ValidationError or ConflictError.
    """
    _require_actor(actor, alert)
    if (
        assignee is not None
        and not alert_assignee_choices(program_id=alert.client.program_id)
        .filter(pk=assignee.pk)
        .exists()
    ):
        raise ValidationError({"assignee": ASSIGNEE_ERROR})
    now = timezone.now()
    with transaction.atomic():
        alert = _locked(alert)
        if alert.status == Alert.Status.RESOLVED:
            raise ConflictError("This alert is resolved: it cannot be assigned.")
        if (alert.assignee_id or None) == (assignee.id if assignee else None):
            return alert
        before = snapshot(alert, AUDIT_FIELDS)
        alert.assignee = assignee
        alert.save(update_fields=["assignee", "updated_at"])
        told = []
        if assignee is not None and assignee.id != getattr(actor, "id", None):
            told = _notify(
                alert,
                [assignee],
                template="alerts.assigned",
                extra={"assigned_by": actor.get_short_name()},
            )
        note = f"Assigned to {assignee}." if assignee else "Unassigned."
        _event(alert, AlertEvent.Kind.ASSIGNED, at=now, actor=actor, note=note, notified=told)
        _audit(actor=actor, alert=alert, action=Action.UPDATE, before=before)
    return alert


def alert_resolve(*, actor: User, alert: Alert, note: str) -> Alert:
    """Close the alert with a note saying what was done. ValidationError without a note."""
    _require_actor(actor, alert)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say what was done to resolve the alert."})
    if len(note) > 5000:
        raise ValidationError({"note": "Keep the note under 5,000 characters."})
    now = timezone.now()
    with transaction.atomic():
        alert = _locked(alert)
        _check_transition(alert, Alert.Status.RESOLVED, "resolved")
        before = snapshot(alert, AUDIT_FIELDS)
        alert.status = Alert.Status.RESOLVED
        alert.resolved_at = now
        alert.resolved_by = actor
        alert.resolution_note = note
        alert.escalation_due_at = None
        alert.save(
            update_fields=[
                "status",
                "resolved_at",
                "resolved_by",
                "resolution_note",
                "escalation_due_at",
                "updated_at",
            ]
        )
        _event(alert, AlertEvent.Kind.RESOLVED, at=now, actor=actor, note=note)
        _audit(actor=actor, alert=alert, action=Action.UPDATE, before=before)
        alerts_changed([alert.client_id])
    return alert
