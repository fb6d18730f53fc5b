"""Administered assessments (raw answers plus derived, versioned scores) and program schedules."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from recoverypath.accounts.models import Program
from recoverypath.care.models import EpisodeOfCare
from recoverypath.clients.models import Client


class Assessment(models.Model):
    """One administration of an instrument. `answers` are stored exactly as given; total, band,
    subscales and flags are derived by the instrument's scorer named in `scoring_version`."""

    class Mode(models.TextChoices):
        SELF = "self", "Self-report (client)"
        STAFF = "staff", "Entered by staff (paper or interview)"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assessments")
    episode = models.ForeignKey(
        EpisodeOfCare,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
    )
    # A registry code (assessments.instruments); not DB choices, so that adding an instrument
    # means adding its definition only.
    instrument = models.CharField(max_length=20)
    answers = models.JSONField()
    total = models.IntegerField(null=True, blank=True)
    band = models.CharField(max_length=30, blank=True)
    band_severity = models.SmallIntegerField(
        default=-1, help_text="Derived from the band, higher is worse; for sorting lists."
    )
    subscales = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    safety_positive = models.BooleanField(
        default=False,
        help_text="Derived: PHQ-9 item 9 above 0 or a C-SSRS screener of moderate or high risk.",
    )
    scoring_version = models.CharField(max_length=40)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    administered_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-administered_at", "-id"]
        indexes = [
            models.Index(
                fields=["client", "instrument", "-administered_at"], name="assessment_client_instr"
            ),
            models.Index(
                fields=["client", "administered_at"],
                name="assessment_safety_positive",
                condition=models.Q(safety_positive=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} for client {self.client_id} at {self.administered_at:%Y-%m-%d}"


class ScheduleRule(models.Model):
    """When one instrument is due in one program. A program without rules uses the defaults in
    assessments.schedules.DEFAULT_RULES."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="assessment_schedule"
    )
    instrument = models.CharField(max_length=20)
    at_intake = models.BooleanField(default=True)
    iop_every_days = models.PositiveSmallIntegerField("every N days in IOP", null=True, blank=True)
    aftercare_every_days = models.PositiveSmallIntegerField(
        "every N days in aftercare", null=True, blank=True
    )
    after_safety_positive = models.BooleanField(
        "whenever a safety screen is positive (e.g. PHQ-9 item 9 above 0)", default=False
    )

    class Meta:
        ordering = ["program_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "instrument"], name="schedule_rule_one_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} in {self.program_id}"
