"""Writes to alerts. `alert_raise` is the one way in for every app; the rest are what staff do
in the inbox, and the worker's escalation job.

Every safety event is its own signal (the rule every raising app follows):
    A new event (a positive screen, a help request, a reported use, a rule firing on new data)
    raises a NEW alert, with its own notices and its own escalation, even when an alert of the
    same kind is open or acknowledged for the client. Raising apps therefore build `dedup_key`
    from the event itself (the assessment's id, the help request's id, the lapse's id).
    The key merges only repeated submissions of the SAME event (a double tap, a retried
    request): those are recorded on the existing alert as "raised again", and tell people again
    only if the severity rose. A state that persists (no check-in for days, low adherence) is
    one event while it lasts: its key names the state, and the rule resolves the alert when
    the state ends (see earlywarning).

Escalation chain (one step each time the program's window passes without acknowledgement),
configurable per program (`EscalationPolicy.chain`), by default:
    the assignee (if any) -> the client's primary clinician and coordinator together
    -> every admin of the program.
Empty steps and people already reached are skipped, so a client with neither clinician nor
coordinator goes straight to the admins (and shows as "no care team" on every clinician's
to-do list, see selectors.alerts_without_care_team).

Paging: the first notice goes to the first step at once. Each window without acknowledgement
takes the next step. A critical alert never stops: at the top of the chain it pages the top
step again every window until someone acknowledges it; its window cannot be switched off and
its notices ignore quiet hours. Other severities take each step once and stop at the top.
Every notice is a notification row per person and channel, and every step an AlertEvent
listing who was told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ExpressionWrapper
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from recoverypath.accounts.models import Program, User
from recoverypath.accounts.selectors import program_admins
from recoverypath.clients.models import Client
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.errors import ConflictError
from recoverypath.notifications.services import notification_queue

from .models import SEVERITY_RANK, Alert, AlertEvent, Chain, EscalationPolicy, Severity
from .selectors import alert_assignee_choices, can_act_on_alert

AUDIT_FIELDS = [
    "kind",
    "severity",
    "reason",
    "status",
    "assignee",
    "resolution_note",
    "escalation_level",
]
ASSIGNEE_ERROR = "Choose a coordinator, clinician or admin of the client's program."


CRITICAL_MAX_MINUTES = 60
STEP_LABELS = {
    "assignee": "the assignee",
    "care_team": "the client's clinician and coordinator",
    "clinician": "the client's primary clinician",
    "coordinator": "the client's coordinator",
    "admins": "the program admins",
}
CLIENT_RELATED = ("client", "client__coordinator", "client__primary_clinician", "assignee")


@dataclass(frozen=True)
class Step:
    name: str  # "assignee", "care_team", "clinician", "coordinator", "admins"
    people: list[User]

    @property
    def label(self) -> str:
        return STEP_LABELS[self.name]


# --- Helpers ---------------------------------------------------------------------------------


def _audit(*, actor, alert: Alert, action: str, before: dict | None = None) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=alert,
        client_id=alert.client_id,
        organization_id=alert.client.organization_id,
        changes=model_changes(before or {}, snapshot(alert, AUDIT_FIELDS)),
    )


def _event(alert: Alert, kind: str, *, at: datetime, actor=None, note: str = "", notified=()):
    return AlertEvent.objects.create(
        alert=alert,
        kind=kind,
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        level=alert.escalation_level,
        note=note,
        notified=sorted({person.id for person in notified}),
    )


def _policy(program_id: int) -> EscalationPolicy:
    """The program's policy, or the defaults (unsaved) when it never changed them."""
    policy = EscalationPolicy.objects.filter(program_id=program_id).first()
    return policy or EscalationPolicy(program_id=program_id)


def _window(program_id: int, severity: str) -> timedelta | None:
    minutes = _policy(program_id).minutes_for(severity)
    return timedelta(minutes=minutes) if minutes else None


def _next_due(alert: Alert, base: datetime) -> datetime | None:
    window = _window(alert.client.program_id, alert.severity)
    return base + window if window else None


def _admins(alert: Alert) -> list[User]:
    return list(program_admins(program_id=alert.client.program_id).order_by("id"))


def escalation_chain(
    alert: Alert, *, admins: list[User] | None = None, chain: str | None = None
) -> list[Step]:
    """The people to tell, step by step, with empty steps and repeats removed. `admins`: the
    program's admins when the caller already has them; `chain`: the program's chain order when
    the caller already has it (Chain.CARE_TEAM by default)."""
    client = alert.client
    order = chain or _policy(client.program_id).chain
    clinician, coordinator = client.primary_clinician, client.coordinator
    care_steps = {
        Chain.CARE_TEAM: [("care_team", [clinician, coordinator])],
        Chain.CLINICIAN_FIRST: [("clinician", [clinician]), ("coordinator", [coordinator])],
        Chain.COORDINATOR_FIRST: [("coordinator", [coordinator]), ("clinician", [clinician])],
    }[Chain(order)]
    candidates = [
        ("assignee", [alert.assignee]),
        *care_steps,
        ("admins", _admins(alert) if admins is None else admins),
    ]
    seen: set[int] = set()
    steps: list[Step] = []
    for name, people in candidates:
        fresh = [p for p in people if p is not None and p.is_active and p.id not in seen]
        if fresh:
            steps.append(Step(name, fresh))
            seen.update(p.id for p in fresh)
    return steps


def _notify(alert: Alert, people, *, template: str, extra: dict | None = None) -> list[User]:
    """Queue notices (rows written in this transaction, delivered after commit)."""
    context = {
        "severity": alert.get_severity_display().lower(),
        "kind_label": alert.kind_label,
        **(extra or {}),
    }
    link = reverse("alerts:detail", args=[alert.id])
    told: list[User] = []
    for person in people:
        if person is None or any(p.id == person.id for p in told):
            continue
        notification_queue(
            recipient=person,
            template=template,
            context=context,
            link=link,
            critical=alert.severity == Severity.CRITICAL,
            source=alert,
        )
        told.append(person)
    return told


def _first_notice(alert: Alert) -> list[User]:
    """Tell the first step of the chain (the care team, unless someone holds the alert)."""
    chain = escalation_chain(alert)
    return _notify(alert, chain[0].people if chain else [], template="alerts.raised")


def _check_transition(alert: Alert, to_status: str, verb: str) -> None:
    if to_status not in Alert.ALLOWED_TRANSITIONS[alert.status]:
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


def _require_actor(actor, alert: Alert) -> None:
    if not can_act_on_alert(actor, alert):
        raise PermissionDenied("You cannot act on this alert.")


# --- Raising ---------------------------------------------------------------------------------


def alert_raise(
    *,
    client: Client,
    kind: str,
    severity: str,
    reason: str,
    dedup_key: str,
    source: models.Model | None = None,
    source_url: str = "",
    actor=None,
) -> Alert:
    """Raise an alert about `client`, or update the unresolved one with the same `dedup_key`.

    `dedup_key` names the event (see the module docstring): a new event needs a new key.
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
    return alert


def _unresolved(*, client: Client, dedup_key: str) -> Alert | None:
    return (
        Alert.objects.select_for_update(of=("self",))
        .select_related(*CLIENT_RELATED)
        .filter(client=client, dedup_key=dedup_key)
        .exclude(status=Alert.Status.RESOLVED)
        .first()
    )


def _raise_again(alert: Alert, values: dict, *, now: datetime, actor) -> Alert:
    before = snapshot(alert, AUDIT_FIELDS)
    worse = SEVERITY_RANK[values["severity"]] < SEVERITY_RANK[alert.severity]
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
    return alert


# --- What staff do ---------------------------------------------------------------------------


def alert_acknowledge(*, actor, alert: Alert) -> Alert:
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


def alert_acknowledge_many(*, actor, alerts: list[Alert]) -> int:
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


def alert_assign(*, actor, alert: Alert, assignee: User | None) -> Alert:
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


def alert_resolve(*, actor, alert: Alert, note: str) -> Alert:
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
    return alert


# --- Escalation ------------------------------------------------------------------------------


def escalation_policy_update(
    *,
    actor,
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


# --- Signals that stop being true ------------------------------------------------------------


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
    return alert
