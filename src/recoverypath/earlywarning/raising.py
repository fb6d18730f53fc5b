"""The one way a rule raises: a WarningSign row (for the dashboard and the timeline) and an alert
through alerts.services.alert_raise, both in the caller's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from recoverypath.alerts.selectors import severity_ranks
from recoverypath.alerts.services import alert_raise

from .models import WarningSign

if TYPE_CHECKING:
    from recoverypath.clients.models import Client

KINDS = {
    "no_checkin": "monitoring.no_checkin",
    "high_craving": "monitoring.high_craving",
    "reported_use": "monitoring.reported_use",
    "low_mood": "monitoring.low_mood",
    "missed_appointment": "aftercare.missed_appointment",
    "low_adherence": "aftercare.low_adherence",
    "unexcused_absences": "attendance.unexcused_absences",
}


def warning_raise(
    *,
    client: Client,
    rule: str,
    severity: str,
    reason: str,
    dedup_key: str,
    source=None,
    source_url: str = "",
) -> WarningSign:
    """Record the warning sign (the same key updates it; severity only rises); raise the alert."""
    now = timezone.now()
    with transaction.atomic():
        sign = (
            WarningSign.objects.select_for_update()
            .filter(client=client, dedup_key=dedup_key)
            .first()
        )
        if sign is None:
            sign = WarningSign.objects.create(
                client=client,
                rule=rule,
                severity=severity,
                reason=reason,
                dedup_key=dedup_key,
                last_seen_at=now,
            )
        else:
            ranks = severity_ranks()
            if ranks[severity] < ranks.get(sign.severity, 9):
                sign.severity = severity
            sign.reason, sign.last_seen_at = reason, now
            sign.save(update_fields=["severity", "reason", "last_seen_at"])
        alert_raise(
            client=client,
            kind=KINDS[rule],
            severity=severity,
            reason=reason,
            dedup_key=dedup_key,
            source=source,
            source_url=source_url,
        )
    return sign
