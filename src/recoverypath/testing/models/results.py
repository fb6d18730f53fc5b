"""Specimens collected with their chain of custody, analyte results (presumptive and confirmed),
and the medications that make a positive expected."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client

from ..catalog import ANALYTE_CHOICES
from .policies import SpecimenType, TestingPolicy, TestPanel
from .selection import TestSelection


class Validity(models.TextChoices):
    VALID = "valid", "Valid"
    DILUTE = "dilute", "Dilute"
    SUBSTITUTED = "substituted", "Substituted"
    ADULTERATED = "adulterated", "Adulterated"
    INVALID = "invalid", "Invalid"


class Collection(models.Model):
    """A specimen collected (or a breath test taken), with its chain of custody."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="test_collections")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(
        TestingPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="collections"
    )
    selection = models.OneToOneField(
        TestSelection, null=True, blank=True, on_delete=models.PROTECT, related_name="collection"
    )
    collected_at = models.DateTimeField()
    specimen_type = models.CharField(max_length=12, choices=SpecimenType.choices)
    panel = models.ForeignKey(
        TestPanel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    observed = models.BooleanField(default=False)
    collector = models.CharField(max_length=200)
    custody_form_number = models.CharField(
        "chain-of-custody form number", max_length=64, blank=True
    )
    validity = models.CharField(max_length=12, choices=Validity.choices, default=Validity.VALID)
    brac = models.DecimalField(
        "BrAC (g/210 L)", max_digits=4, decimal_places=3, null=True, blank=True
    )
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-collected_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(brac=None) | Q(brac__gte=0), name="collection_brac_not_negative"
            )
        ]
        indexes = [
            models.Index(fields=["client", "collected_at"], name="collection_client_time"),
            models.Index(fields=["program", "collected_at"], name="collection_program_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_specimen_type_display()} {self.collected_at:%Y-%m-%d}"


class AnalyteResult(models.Model):
    """One analyte's result. A confirmation is a new row that replaces the presumptive one in the
    record (`current`), which stays as history with `replaced_by` pointing at it."""

    class Stage(models.TextChoices):
        PRESUMPTIVE = "presumptive", "Presumptive (screen)"
        CONFIRMED = "confirmed", "Lab confirmed"

    class Outcome(models.TextChoices):
        NEGATIVE = "negative", "Negative"
        POSITIVE = "positive", "Positive"

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="results")
    analyte = models.CharField(max_length=30, choices=ANALYTE_CHOICES)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PRESUMPTIVE)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    cutoff = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="ng/mL judged by."
    )
    expected = models.BooleanField(
        default=False, help_text="Positive for a medication the client is prescribed."
    )
    current = models.BooleanField(default=True)
    sent_for_confirmation_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    resulted_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["collection", "analyte", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "analyte"],
                condition=Q(current=True),
                name="analyteresult_one_current",
            ),
            models.CheckConstraint(
                condition=Q(value=None) | Q(value__gte=0), name="analyteresult_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_analyte_display()}: {self.outcome} ({self.stage})"

    @property
    def alarming(self) -> bool:
        return self.outcome == self.Outcome.POSITIVE and not self.expected


class PrescribedMedication(models.Model):
    """A medication the client takes as prescribed (e.g. buprenorphine), so a positive for it is
    expected and raises no alert."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="prescribed_medications"
    )
    name = models.CharField(max_length=200)
    analyte = models.CharField(max_length=30, choices=ANALYTE_CHOICES)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    prescriber = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date=None) | Q(end_date__gte=models.F("start_date")),
                name="prescription_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name
