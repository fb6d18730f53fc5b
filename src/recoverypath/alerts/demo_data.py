"""Demo alerts: a believable inbox for the demo staff (a handful, whatever the client count)."""

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
