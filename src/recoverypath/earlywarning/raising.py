"""The one way a rule raises: a WarningSign row (for the dashboard and the timeline) and an alert
through alerts.services.alert_raise, both in the caller's transaction. `warnings_raise_bulk` is
the same for many at once (the nightly rules): a fixed number of statements per batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from recoverypath.alerts.selectors import severity_ranks
from recoverypath.alerts.services import AlertSpec, alert_raise, alerts_raise_bulk
from recoverypath.core.bulk import bulk_insert_rows, bulk_update_rows

from .models import WarningSign

if TYPE_CHECKING:
    from django.db import models

    from recoverypath.clients.models import Client

BATCH = 1000

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


@dataclass(frozen=True)
class WarningSpec:
    """One warning to raise: the arguments of warning_raise."""

    client: Client
    rule: str
    severity: str
    reason: str
    dedup_key: str
    source: models.Model | None = None
    source_url: str = ""


def warnings_raise_bulk(specs: list[WarningSpec]) -> int:
    """`warning_raise` for every spec, a batch at a time: the warning signs read in one query,
    written in one INSERT and one UPDATE, and their alerts through alerts_raise_bulk. Specs
    naming the same client and key merge (the last wins). Returns how many were raised."""
    unique = list({(s.client.id, s.dedup_key): s for s in specs}.values())
    ranks = severity_ranks()
    for start in range(0, len(unique), BATCH):
        batch = unique[start : start + BATCH]
        keys = {(s.client.id, s.dedup_key) for s in batch}
        now = timezone.now()
        with transaction.atomic():
            existing = {
                (sign.client_id, sign.dedup_key): sign
                for sign in WarningSign.objects.select_for_update().filter(
                    client_id__in={k[0] for k in keys}, dedup_key__in={k[1] for k in keys}
                )
            }
            new, changed = [], []
            for spec in batch:
                sign = existing.get((spec.client.id, spec.dedup_key))
                if sign is None:
                    new.append(
                        WarningSign(
                            client=spec.client,
                            rule=spec.rule,
                            severity=spec.severity,
                            reason=spec.reason,
                            dedup_key=spec.dedup_key,
                            last_seen_at=now,
                        )
                    )
                    continue
                if ranks[spec.severity] < ranks.get(sign.severity, 9):
                    sign.severity = spec.severity
                sign.reason, sign.last_seen_at = spec.reason, now
                changed.append(sign)
            bulk_insert_rows(new)
            bulk_update_rows(changed, ["severity", "reason", "last_seen_at"])
            alerts_raise_bulk(
                [
                    AlertSpec(
                        client=spec.client,
                        kind=KINDS[spec.rule],
                        severity=spec.severity,
                        reason=spec.reason,
                        dedup_key=spec.dedup_key,
                        source=spec.source,
                        source_url=spec.source_url,
                    )
                    for spec in batch
                ]
            )
    return len(unique)
