"""Raising many alerts at once (the nightly rules): `alerts_raise_bulk`.

The same alerts as one `alert_raise` per spec (the same dedup rule, "raised again" for an
unresolved alert with the key, severity only rises, the first step of the chain told, an event
and an audit row each), written a batch at a time: a fixed number of statements per batch of
`BATCH` specs, whatever its size (one INSERT each for the alerts, their events, their
notifications and their audit rows; one UPDATE for the alerts raised again; one query per
program for its admins). Running it again with the same keys raises nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from recoverypath.accounts.selectors import program_admins
from recoverypath.core.audit import Action, audit_record_many, model_changes, snapshot
from recoverypath.core.bulk import bulk_insert_rows, bulk_update_rows
from recoverypath.core.hooks.alerts import alerts_changed
from recoverypath.notifications.services import Notice, notifications_queue_bulk

from ..models import SEVERITY_RANK, Alert, AlertEvent, EscalationPolicy, Severity
from ._common import AUDIT_FIELDS, CLIENT_RELATED
from .chain import escalation_chain

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

BATCH = 1000


@dataclass(frozen=True)
class AlertSpec:
    """One alert to raise: the arguments of alert_raise (the system raises: no actor)."""

    client: Client
    kind: str
    severity: str
    reason: str
    dedup_key: str
    source: models.Model | None = None
    source_url: str = ""


@dataclass
class BulkResult:
    raised: list[Alert]  # new alerts
    raised_again: list[Alert]  # unresolved alerts with the key, updated

    @property
    def alerts(self) -> list[Alert]:
        return [*self.raised, *self.raised_again]


def _validate(spec: AlertSpec) -> None:
    errors = {}
    if spec.severity not in Severity.values:
        errors["severity"] = "Choose critical, high, medium or low."
    if not spec.kind or len(spec.kind) > 64:
        errors["kind"] = "Name the kind of alert (at most 64 characters)."
    if not spec.dedup_key or len(spec.dedup_key) > 200:
        errors["dedup_key"] = "Give a de-duplication key (at most 200 characters)."
    if not (spec.reason or "").strip():
        errors["reason"] = "Say why the alert was raised."
    if len(spec.source_url) > 500:
        errors["source_url"] = "The source link is too long."
    if errors:
        raise ValidationError(errors)


def _values(spec: AlertSpec) -> dict:
    return {
        "kind": spec.kind,
        "severity": spec.severity,
        "reason": spec.reason.strip(),
        "source_type": spec.source._meta.label_lower if spec.source is not None else "",
        "source_id": str(spec.source.pk) if spec.source is not None else "",
        "source_url": spec.source_url,
    }


def alerts_raise_bulk(specs: list[AlertSpec]) -> BulkResult:
    """Raise every spec's alert (or raise its unresolved namesake again), in the caller's
    transaction, a batch at a time. Specs naming the same client and key merge (the last wins).
    Raises ValidationError for a bad spec before writing anything."""
    for spec in specs:
        _validate(spec)
    unique = list({(s.client.id, s.dedup_key): s for s in specs}.values())
    result = BulkResult([], [])
    for start in range(0, len(unique), BATCH):
        batch = unique[start : start + BATCH]
        with transaction.atomic():
            try:
                with transaction.atomic():
                    part = _raise_batch(batch)
            except IntegrityError:
                # Someone raised one of these keys at the same moment: one at a time instead.
                part = _raise_one_by_one(batch)
        result.raised += part.raised
        result.raised_again += part.raised_again
    return result


def _raise_one_by_one(batch: list[AlertSpec]) -> BulkResult:
    from .raising import alert_raise

    part = BulkResult([], [])
    for spec in batch:
        alert = alert_raise(
            client=spec.client,
            kind=spec.kind,
            severity=spec.severity,
            reason=spec.reason,
            dedup_key=spec.dedup_key,
            source=spec.source,
            source_url=spec.source_url,
        )
        (part.raised if alert.raise_count == 1 else part.raised_again).append(alert)
    return part


def _raise_batch(batch: list[AlertSpec]) -> BulkResult:
    now = timezone.now()
    keys = {(s.client.id, s.dedup_key) for s in batch}
    existing = {
        (a.client_id, a.dedup_key): a
        for a in Alert.objects.select_for_update(of=("self",))
        .select_related(*CLIENT_RELATED)
        .filter(client_id__in={k[0] for k in keys}, dedup_key__in={k[1] for k in keys})
        .exclude(status=Alert.Status.RESOLVED)
        if (a.client_id, a.dedup_key) in keys
    }
    program_ids = {s.client.program_id for s in batch}
    policies = {
        p.program_id: p for p in EscalationPolicy.objects.filter(program_id__in=program_ids)
    }

    def policy(program_id: int) -> EscalationPolicy:
        return policies.get(program_id) or EscalationPolicy(program_id=program_id)

    def due(severity: str, program_id: int) -> datetime | None:
        minutes = policy(program_id).minutes_for(severity)
        return now + timedelta(minutes=minutes) if minutes else None

    new: list[Alert] = []
    again: list[tuple[Alert, dict, bool]] = []  # (alert, audit before, severity rose)
    for spec in batch:
        values = _values(spec)
        alert = existing.get((spec.client.id, spec.dedup_key))
        if alert is None:
            new.append(
                Alert(
                    client=spec.client,
                    dedup_key=spec.dedup_key,
                    raised_at=now,
                    last_raised_at=now,
                    escalation_due_at=due(spec.severity, spec.client.program_id),
                    **values,
                )
            )
            continue
        before = snapshot(alert, AUDIT_FIELDS)
        worse = SEVERITY_RANK[Severity(spec.severity)] < SEVERITY_RANK[Severity(alert.severity)]
        if not worse:
            values["severity"] = alert.severity  # raising again never lowers severity
        for name, value in values.items():
            setattr(alert, name, value)
        alert.last_raised_at = now
        alert.raise_count += 1
        alert.updated_at = now
        if worse and alert.status == Alert.Status.OPEN:
            alert.escalation_due_at = due(alert.severity, alert.client.program_id)
        again.append((alert, before, worse))
    if new:
        bulk_insert_rows(new)
        # Re-read with the care team and assignee joined in: who is told depends on them.
        new = list(
            Alert.objects.select_related(*CLIENT_RELATED)
            .filter(id__in=[a.id for a in new])
            .order_by("id")
        )
    if again:
        bulk_update_rows(
            [a for a, _, _ in again],
            [
                "kind",
                "severity",
                "reason",
                "source_type",
                "source_id",
                "source_url",
                "last_raised_at",
                "raise_count",
                "escalation_due_at",
                "updated_at",
            ],
        )
    to_tell = [*new, *(a for a, _, worse in again if worse)]
    told = _first_notices(to_tell, policy=policy)
    events = [
        AlertEvent(
            alert=a,
            kind=AlertEvent.Kind.RAISED,
            at=now,
            level=a.escalation_level,
            note=a.reason,
            notified=sorted(told.get(a.id, [])),
        )
        for a in new
    ]
    for alert, before, worse in again:
        note = (
            f"Severity raised from {Severity(before['severity']).label.lower()}. " if worse else ""
        )
        events.append(
            AlertEvent(
                alert=alert,
                kind=AlertEvent.Kind.RE_RAISED,
                at=now,
                level=alert.escalation_level,
                note=note + alert.reason,
                notified=sorted(told.get(alert.id, [])),
            )
        )
    bulk_insert_rows(events)
    audit = [_audit_row(a, Action.CREATE, {}) for a in new]
    audit += [_audit_row(a, Action.UPDATE, before) for a, before, _ in again]
    audit_record_many(actor=None, action=Action.CREATE, events=audit)
    alerts_changed(sorted({a.client_id for a in new} | {a.client_id for a, _, _ in again}))
    return BulkResult(new, [a for a, _, _ in again])


def _audit_row(alert: Alert, action: str, before: dict) -> dict:
    return {
        "action": action,
        "object_type": alert._meta.label_lower,
        "object_id": str(alert.pk),
        "client_id": alert.client_id,
        "organization_id": alert.client.organization_id,
        "changes": model_changes(before, snapshot(alert, AUDIT_FIELDS)),
    }


def _first_notices(alerts: list[Alert], *, policy) -> dict[int, list[int]]:
    """Tell each alert's first step of the chain, as `_first_notice` does one by one:
    {alert id: ids of the people told}. One query per program for its admins, one for the
    recipients, one INSERT for every notification."""
    if not alerts:
        return {}
    admins: dict[int, list[User]] = {}
    for program_id in sorted({a.client.program_id for a in alerts}):
        admins[program_id] = list(program_admins(program_id=program_id).order_by("id"))
    notices: list[Notice] = []
    told: dict[int, list[int]] = {}
    for alert in alerts:
        program_id = alert.client.program_id
        chain = escalation_chain(alert, admins=admins[program_id], chain=policy(program_id).chain)
        people = chain[0].people if chain else []
        context = {"severity": alert.get_severity_display().lower(), "kind_label": alert.kind_label}
        link = reverse("alerts:detail", args=[alert.id])
        ids: list[int] = []
        for person in people:
            if person.id in ids:
                continue
            ids.append(person.id)
            notices.append(
                Notice(
                    recipient_id=person.id,
                    template="alerts.raised",
                    context=context,
                    link=link,
                    critical=alert.severity == Severity.CRITICAL,
                    source=alert,
                )
            )
        told[alert.id] = ids
    notifications_queue_bulk(notices)
    return told
