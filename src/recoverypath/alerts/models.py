"""Alerts: a signal about a client that a person must act on, with its history and the program's
escalation policy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


class Alert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    ALLOWED_TRANSITIONS = {
        Status.OPEN: {Status.ACKNOWLEDGED, Status.RESOLVED},
        Status.ACKNOWLEDGED: {Status.RESOLVED},
        Status.RESOLVED: set(),
    }

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(
        max_length=64, help_text='Namespaced by the raising app, e.g. "safety.phq9_item9".'
    )
    severity = models.CharField(max_length=10, choices=Severity.choices)
    reason = models.TextField(help_text="What happened, in words a person can act on.")
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    dedup_key = models.CharField(max_length=200)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_alerts",
    )
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_raised_at = models.DateTimeField()
    raise_count = models.PositiveIntegerField(default=1)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        default=0, help_text="Escalation steps taken so far (0: only the first notice went out)."
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next step is due if nobody acknowledges."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "dedup_key"],
                condition=~Q(status="resolved"),
                name="alert_dedup_unresolved_unique",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=["critical", "high", "medium", "low"]),
                name="alert_severity_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution_note=""),
                name="alert_resolved_has_note",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "raised_at"], name="alert_status_time"),
            models.Index(fields=["client", "-raised_at"], name="alert_client_time"),
            models.Index(
                fields=["escalation_due_at"],
                condition=Q(status="open"),
                name="alert_escalation_due",
            ),
            # The inbox's order (selectors.alert_inbox): most severe, then longest waiting.
            models.Index(
                Case(
                    *[When(severity=sev, then=Value(rank)) for sev, rank in SEVERITY_RANK.items()],
                    default=Value(9),
                    output_field=models.IntegerField(),
                ),
                "raised_at",
                "id",
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_inbox_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.kind} for client {self.client_id}"

    @property
    def kind_label(self) -> str:
        """ "safety.phq9_item9" -> "Phq9 item9" (the raising app's label if it registers one)."""
        from .kinds import kind_label

        return kind_label(self.kind)

    @property
    def is_resolved(self) -> bool:
        return self.status == self.Status.RESOLVED


class AlertEvent(models.Model):
    """One step in an alert's life. Written by the services only; never changed."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        RE_RAISED = "re_raised", "Raised again"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ASSIGNED = "assigned", "Assigned"
        ESCALATED = "escalated", "Escalated"
        PAGED = "paged", "Paged again"
        RESOLVED = "resolved", "Resolved"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True)
    notified = models.JSONField(default=list, blank=True, help_text="Ids of the people told.")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["alert", "at"], name="alert_event_alert_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class Chain(models.TextChoices):
    """Who hears of a client's alert, step by step (after the assignee, if any)."""

    CARE_TEAM = "care_team", "Primary clinician and coordinator together, then the admins"
    CLINICIAN_FIRST = "clinician_first", "Primary clinician, then coordinator, then the admins"
    COORDINATOR_FIRST = "coordinator_first", "Coordinator, then primary clinician, then the admins"


class EscalationPolicy(models.Model):
    """Per program: minutes an alert of each severity may stay unacknowledged (empty: never, but
    never for critical: a critical alert always pages), and the order of the chain."""

    DEFAULT_MINUTES = {"critical": 15, "high": 240, "medium": 1440, "low": None}

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="escalation_policy"
    )
    critical_minutes = models.PositiveIntegerField(
        default=15, help_text="Required: a critical alert pages again every window until answered."
    )
    high_minutes = models.PositiveIntegerField(null=True, blank=True, default=240)
    medium_minutes = models.PositiveIntegerField(null=True, blank=True, default=1440)
    low_minutes = models.PositiveIntegerField(null=True, blank=True, default=None)
    chain = models.CharField(max_length=20, choices=Chain.choices, default=Chain.CARE_TEAM)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "escalation policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(critical_minutes__gte=1)
                & (Q(high_minutes=None) | Q(high_minutes__gte=1))
                & (Q(medium_minutes=None) | Q(medium_minutes__gte=1))
                & (Q(low_minutes=None) | Q(low_minutes__gte=1)),
                name="escalation_minutes_positive",
            ),
            models.CheckConstraint(
                condition=Q(chain__in=["care_team", "clinician_first", "coordinator_first"]),
                name="escalation_chain_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation policy of {self.program}"

    def minutes_for(self, severity: str) -> int | None:
        return getattr(self, f"{severity}_minutes")
