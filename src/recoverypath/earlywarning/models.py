from __future__ import annotations

from django.db import models

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client


class Rule(models.TextChoices):
    NO_CHECKIN = "no_checkin", "No daily check-in"
    HIGH_CRAVING = "high_craving", "High cravings"
    REPORTED_USE = "reported_use", "Reported use"
    LOW_MOOD = "low_mood", "Very low mood days in a row"
    MISSED_APPOINTMENT = "missed_appointment", "Missed coordinator check-in or therapy"
    LOW_ADHERENCE = "low_adherence", "Low aftercare adherence"
    UNEXCUSED_ABSENCES = "unexcused_absences", "Unexcused absences from sessions in a row"


class RuleSetting(models.Model):
    """A program's override of one rule: on/off and thresholds (missing keys use defaults)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="warning_rules")
    rule = models.CharField(max_length=30, choices=Rule.choices)
    enabled = models.BooleanField(default=True)
    params = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "rule"]
        constraints = [models.UniqueConstraint(fields=["program", "rule"], name="rulesetting_once")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} ({'on' if self.enabled else 'off'})"


class WarningSign(models.Model):
    """A rule that fired for a client: what the dashboard sorts by and the timeline shows.
    The same dedup key fires again as an update (severity can rise, e.g. 2 -> 4 days)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="warning_signs")
    rule = models.CharField(max_length=30, choices=Rule.choices)
    severity = models.CharField(max_length=10)
    reason = models.TextField()
    dedup_key = models.CharField(max_length=200)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "dedup_key"], name="warningsign_dedup")
        ]
        indexes = [models.Index(fields=["client", "-last_seen_at"], name="warningsign_recent")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.reason[:60]}"
