"""Raising an alert (`alert_raise`, the one way in for every app) and resolving one whose
condition stopped being true. See the package docstring: every safety event is its own signal."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from recoverypath.core.audit import Action, snapshot
from recoverypath.core.hooks.alerts import alerts_changed

from ..models import SEVERITY_RANK, Alert, AlertEvent, Severity
from ._common import (
    AUDIT_FIELDS,
    CLIENT_RELATED,
    _audit,
    _event,
)
from .chain import (
    _first_notice,
    _next_due,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def alert_raise(
    *,
    client: Client,
    kind: str,
    severity: str,
    reason: str,
    dedup_key: str,
    source: models.Model | None = None,
    source_url: str = "",
    actor: User | AnonymousUser | None = None,
) -> Alert:
    """Raise an alert about `client`, or update the unresolved one with the same `dedup_key`.

    `dedup_key` names the event (see the alerts.services docstring): a new event needs a new key.
    1. Validates severity (critical/high/medium/low), kind, reason and key (ValidationError).
    2. In the caller's transaction: an unresolved alert with this client and key (the same
       event submitted again) is updated (reason, source, a higher severity) and an event
       "raised again" recorded; otherwise a new alert is inserted. A concurrent insert of the
       same key loses on the database's conditional unique constraint and updates the winner's
       row instead.
    3. The first step of the chain is told: notification rows written now, delivered only
       after commit (critical ones at once, through quiet hours).
    The caller is responsible for having been allowed to do whatever raised the signal.
    """
    errors = {}
    if severity not in Severity.values:
        errors["severity"] = "Choose critical, high, medium or low."
    if not kind or len(kind) > 64:
        errors["kind"] = "Name the kind of alert (at most 64 characters)."
    if not dedup_key or len(dedup_key) > 200:
        errors["dedup_key"] = "Give a de-duplication key (at most 200 characters)."
    if not (reason or "").strip():
        errors["reason"] = "Say why the alert was raised."
    if len(source_url) > 500:
        errors["source_url"] = "The source link is too long."
    if errors:
        raise ValidationError(errors)
    values = {
        "kind": kind,
        "severity": severity,
        "reason": reason.strip(),
        "source_type": source._meta.label_lower if source is not None else "",
        "source_id": str(source.pk) if source is not None else "",
        "source_url": source_url,
    }
    now = timezone.now()
    with transaction.atomic():
        existing = _unresolved(client=client, dedup_key=dedup_key)
        if existing is not None:
            return _raise_again(existing, values, now=now, actor=actor)
        alert = Alert(
            client=client,
            dedup_key=dedup_key,
            raised_at=now,
            last_raised_at=now,
            raised_by=actor if actor is not None and actor.is_authenticated else None,
            **values,
        )
        alert.escalation_due_at = _next_due(alert, now)
        try:
            with transaction.atomic():
                alert.save()
        except IntegrityError:
            existing = _unresolved(client=client, dedup_key=dedup_key)
            if existing is None:
                raise
            return _raise_again(existing, values, now=now, actor=actor)
        told = _first_notice(alert)
        _event(alert, AlertEvent.Kind.RAISED, at=now, actor=actor, note=alert.reason, notified=told)
        _audit(actor=actor, alert=alert, action=Action.CREATE)
        alerts_changed([alert.client_id])
    return alert


def _unresolved(*, client: Client, dedup_key: str) -> Alert | None:
    return (
        Alert.objects.select_for_update(of=("self",))
        .select_related(*CLIENT_RELATED)
        .filter(client=client, dedup_key=dedup_key)
        .exclude(status=Alert.Status.RESOLVED)
        .first()
    )


def _raise_again(
    alert: Alert, values: dict, *, now: datetime, actor: User | AnonymousUser | None
) -> Alert:
    before = snapshot(alert, AUDIT_FIELDS)
    worse = SEVERITY_RANK[Severity(values["severity"])] < SEVERITY_RANK[Severity(alert.severity)]
    old_severity = alert.get_severity_display().lower()
    if not worse:
        values = {**values, "severity": alert.severity}  # raising again never lowers severity
    for name, value in values.items():
        setattr(alert, name, value)
    alert.last_raised_at = now
    alert.raise_count += 1
    fields = [*values, "last_raised_at", "raise_count", "updated_at"]
    if worse and alert.status == Alert.Status.OPEN:
        alert.escalation_due_at = _next_due(alert, now)
        fields.append("escalation_due_at")
    alert.save(update_fields=fields)
    told = _first_notice(alert) if worse else []
    note = f"Severity raised from {old_severity}. " if worse else ""
    _event(
        alert,
        AlertEvent.Kind.RE_RAISED,
        at=now,
        actor=actor,
        note=note + alert.reason,
        notified=told,
    )
    _audit(actor=actor, alert=alert, action=Action.UPDATE, before=before)
    alerts_changed([alert.client_id])
    return alert


def alert_resolve_cleared(*, alert_id: int, note: str) -> Alert | None:
    """Resolve an alert whose condition is no longer true (the raising rule decides that), with
    `note` saying why, as the system (no actor). Open and acknowledged alerts only; a resolved
    one is left alone and None returned. For early-warning states, never for safety events."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why the alert no longer applies."})
    now = timezone.now()
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related(*CLIENT_RELATED)
            .filter(pk=alert_id)
            .exclude(status=Alert.Status.RESOLVED)
            .first()
        )
        if alert is None:
            return None
        before = snapshot(alert, AUDIT_FIELDS)
        alert.status = Alert.Status.RESOLVED
        alert.resolved_at = now
        alert.resolved_by = None
        alert.resolution_note = note[:5000]
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
        _event(alert, AlertEvent.Kind.RESOLVED, at=now, note=alert.resolution_note)
        _audit(actor=None, alert=alert, action=Action.UPDATE, before=before)
        alerts_changed([alert.client_id])
    return alert
