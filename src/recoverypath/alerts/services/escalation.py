"""Escalation: the program's policy (windows, chain order) and the worker's step up the chain."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ExpressionWrapper
from django.db.models.functions import Coalesce
from django.utils import timezone

from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot

from ..models import Alert, AlertEvent, Chain, EscalationPolicy, Severity
from ._common import (
    AUDIT_FIELDS,
    CLIENT_RELATED,
    _audit,
    _event,
)
from .chain import (
    _notify,
    _policy,
    escalation_chain,
)

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User


CRITICAL_MAX_MINUTES = 60


def escalation_policy_update(
    *,
    actor: User,
    program: Program,
    critical_minutes: int | None,
    high_minutes: int | None,
    medium_minutes: int | None,
    low_minutes: int | None,
    chain: str | None = None,
) -> EscalationPolicy:
    """Program admins set the windows (minutes; None: never) and the chain order (None: keep).

    Critical escalation cannot be switched off: `critical_minutes` is required, from 1 to
    CRITICAL_MAX_MINUTES (ValidationError otherwise). Open alerts follow the new windows at once.
    """
    if not permissions.can_administer_program(actor, program.id):
        raise PermissionDenied("Only the program's admins change its escalation policy.")
    values = {
        "critical_minutes": critical_minutes,
        "high_minutes": high_minutes,
        "medium_minutes": medium_minutes,
        "low_minutes": low_minutes,
    }
    errors = {
        name: "Enter a number of minutes from 1 to 525,600, or leave it empty for never."
        for name, value in values.items()
        if value is not None and not (1 <= value <= 525_600)
    }
    if critical_minutes is None or not 1 <= critical_minutes <= CRITICAL_MAX_MINUTES:
        errors["critical_minutes"] = (
            "Critical alerts always page until someone answers: enter a number of minutes "
            f"from 1 to {CRITICAL_MAX_MINUTES}."
        )
    if chain is not None and chain not in Chain.values:
        errors["chain"] = "Choose one of the chain orders offered."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy = EscalationPolicy.objects.select_for_update().filter(program=program).first()
        fields = [*values, "chain"]
        before = {k: getattr(policy, k) for k in fields} if policy else {}
        defaults = {**values, "chain": chain} if chain is not None else dict(values)
        policy, _ = EscalationPolicy.objects.update_or_create(program=program, defaults=defaults)
        open_alerts = Alert.objects.filter(client__program=program, status=Alert.Status.OPEN)
        for severity in Severity.values:  # one UPDATE per severity, whatever the alert count
            minutes = policy.minutes_for(severity)
            open_alerts.filter(severity=severity).update(
                escalation_due_at=ExpressionWrapper(
                    Coalesce("escalated_at", "raised_at") + timedelta(minutes=minutes),
                    output_field=models.DateTimeField(),
                )
                if minutes
                else None
            )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=policy,
            organization_id=program.organization_id,
            changes=model_changes(before, {k: getattr(policy, k) for k in fields}),
        )
    return policy


def alert_escalate(*, alert_id: int, now: datetime | None = None) -> Alert | None:
    """Take the next step if the alert is still open and its window has passed.

    1. Below the top of the chain: move one step up and tell that step ("escalated").
    2. At the top: a critical alert pages the top step again ("paged again") and stays due
       every window; any other alert stops escalating.
    3. The step is claimed with a conditional UPDATE on (status, level, due time), so two
       workers never take the same step twice.
    Returns the alert if someone was told, else None.
    """
    now = now or timezone.now()
    alert = (
        Alert.objects.select_related(*CLIENT_RELATED)
        .filter(pk=alert_id, status=Alert.Status.OPEN, escalation_due_at__lte=now)
        .first()
    )
    if alert is None:
        return None
    policy = _policy(alert.client.program_id)
    chain = escalation_chain(alert, chain=policy.chain)
    critical = alert.severity == Severity.CRITICAL
    top = len(chain) - 1
    current = min(alert.escalation_level, max(top, 0))
    guard = {
        "pk": alert.pk,
        "status": Alert.Status.OPEN,
        "escalation_level": alert.escalation_level,
        "escalation_due_at": alert.escalation_due_at,
    }
    with transaction.atomic():
        if top < 0 or (current >= top and not critical):  # nobody (further) to tell
            Alert.objects.filter(**guard).update(escalation_due_at=None)
            return None
        climbing = current < top
        next_level = current + 1 if climbing else top
        minutes = policy.minutes_for(alert.severity)
        keep_going = critical or next_level < top
        due = now + timedelta(minutes=minutes) if keep_going and minutes else None
        claimed = Alert.objects.filter(**guard).update(
            escalation_level=next_level, escalated_at=now, escalation_due_at=due, updated_at=now
        )
        if not claimed:
            return None
        before = snapshot(alert, AUDIT_FIELDS)
        alert.escalation_level = next_level
        alert.escalated_at = now
        alert.escalation_due_at = due
        step = chain[next_level]
        told = _notify(alert, step.people, template="alerts.escalated")
        waited = int((now - alert.raised_at).total_seconds() // 60)
        if climbing:
            kind = AlertEvent.Kind.ESCALATED
            note = f"Not acknowledged in time: escalated to {step.label}."
        else:
            kind = AlertEvent.Kind.PAGED
            note = f"Still not acknowledged after {waited} minutes: paged {step.label} again."
        _event(alert, kind, at=now, note=note, notified=told)
        _audit(actor=None, alert=alert, action=Action.UPDATE, before=before)
    return alert


def alerts_escalate_overdue(*, limit: int = 500) -> int:
    """The worker's minute job: one step for every open alert whose window has passed."""
    now = timezone.now()
    ids = list(
        Alert.objects.filter(status=Alert.Status.OPEN, escalation_due_at__lte=now)
        .order_by("escalation_due_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for alert_id in ids if alert_escalate(alert_id=alert_id, now=now) is not None)
