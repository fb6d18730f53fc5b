"""Demo alerts: a believable inbox for the demo staff (a handful, whatever the client count).

Alerts come first in the demo's app order, before care decides who is in IOP or aftercare, so the
scenarios land on the first clients; a later stage calls `rehome()` to move the scenarios about
its own situation (e.g. "aftercare." alerts) onto clients in that situation."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from recoverypath.notifications.models import Channel, Notification

from .models import Alert, AlertEvent, EscalationPolicy

SCENARIOS = [
    # (kind, severity, reason, status, hours ago)
    (
        "safety.phq9_item9",
        "critical",
        "Answered 'more than half the days' to PHQ-9 item 9 (thoughts of self-harm) on today's "
        "check-in.",
        "open",
        0.2,
    ),
    (
        "attendance.unexcused_absences",
        "high",
        "Two unexcused absences in a row from Tuesday evening group.",
        "open",
        5,
    ),
    (
        "monitoring.no_checkin",
        "medium",
        "No daily check-in for 2 days.",
        "open",
        30,
    ),
    (
        "testing.positive_result",
        "high",
        "Random urine drug screen positive for opioids; confirmation pending.",
        "acknowledged",
        20,
    ),
    (
        "aftercare.adherence_low",
        "medium",
        "Aftercare plan adherence under 50% over the last 4 weeks.",
        "acknowledged",
        50,
    ),
    (
        "monitoring.no_checkin",
        "low",
        "Missed one daily check-in.",
        "resolved",
        80,
    ),
    (
        "attendance.unexcused_absences",
        "high",
        "Two unexcused absences from Thursday process group.",
        "resolved",
        200,
    ),
    (
        "safety.craving_spike",
        "medium",
        "Craving score 9/10 on three check-ins this week.",
        "open",
        3,
    ),
]


def _due(raised, severity: str):
    minutes = EscalationPolicy.DEFAULT_MINUTES[severity]
    return raised + timedelta(minutes=minutes) if minutes else None


def rehome(*, clients: list, kind_prefixes: tuple[str, ...], client_ids: list[int]) -> None:
    """Move this demo's alerts whose kind starts with one of `kind_prefixes` and whose client is
    not in `client_ids` onto the first of `client_ids` without a demo alert (in order)."""
    if not clients or not client_ids:
        return
    demo = Alert.objects.filter(
        client__organization_id=clients[0].organization_id, dedup_key__startswith="demo:"
    )
    targets = set(client_ids)
    busy = set(demo.values_list("client_id", flat=True))
    free = iter([i for i in client_ids if i not in busy])
    for alert in demo.order_by("id"):
        if not alert.kind.startswith(kind_prefixes) or alert.client_id in targets:
            continue
        new = next(free, None)
        if new is None:
            return
        alert.dedup_key = alert.dedup_key.replace(f":{alert.client_id}:", f":{new}:", 1)
        alert.client_id = new
        alert.save(update_fields=["client", "dedup_key"])


def extend(*, result, rng, today, staff, clients) -> None:
    if not clients:
        return
    now = timezone.now()
    coordinator = staff["coordinator"]
    clinician = staff["clinician"]
    chosen = clients[: min(len(clients), len(SCENARIOS))]
    alerts = []
    for index, client in enumerate(chosen):
        kind, severity, reason, status, hours = SCENARIOS[index]
        raised = now - timedelta(hours=hours)
        alert = Alert(
            client=client,
            kind=kind,
            severity=severity,
            reason=reason,
            dedup_key=f"demo:{kind}:{client.id}:{index}",
            status=status,
            raised_at=raised,
            last_raised_at=raised,
            escalation_due_at=_due(raised, severity) if status == "open" else None,
            assignee=clinician if index % 3 == 1 else None,
        )
        if status in ("acknowledged", "resolved"):
            alert.acknowledged_at = raised + timedelta(minutes=40)
            alert.acknowledged_by = coordinator
        if status == "resolved":
            alert.resolved_at = raised + timedelta(hours=3)
            alert.resolved_by = coordinator
            alert.resolution_note = rng.choice(
                [
                    "Called the client; they were safe and came to group the next day.",
                    "Reviewed with the client in session; plan updated.",
                    "Client had a documented medical appointment; excused.",
                ]
            )
        alerts.append(alert)
    Alert.objects.bulk_create(alerts)
    events = []
    notices = []
    for alert in alerts:
        events.append(AlertEvent(alert=alert, kind="raised", at=alert.raised_at, note=alert.reason))
        if alert.acknowledged_at:
            events.append(
                AlertEvent(
                    alert=alert, kind="acknowledged", at=alert.acknowledged_at, actor=coordinator
                )
            )
        if alert.resolved_at:
            events.append(
                AlertEvent(
                    alert=alert,
                    kind="resolved",
                    at=alert.resolved_at,
                    actor=coordinator,
                    note=alert.resolution_note,
                )
            )
        notices.append(
            Notification(
                recipient=coordinator,
                channel=Channel.IN_APP,
                template="alerts.raised",
                body=f"New {alert.severity} alert: {alert.kind_label}",
                link=f"/alerts/{alert.id}/",
                status=Notification.Status.SENT,
                attempts=1,
                sent_at=alert.raised_at,
                read_at=alert.acknowledged_at,
                source_type="alerts.alert",
                source_id=str(alert.id),
            )
        )
    AlertEvent.objects.bulk_create(events)
    Notification.objects.bulk_create(notices)
