"""The daily random draw (its seed and one entry per policy) and the tests clients are asked to
give (selections)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client

from .policies import TestingPolicy


class SelectionDraw(models.Model):
    """One day's random draw for a program: the secret seed every value was derived from.

    Each entry's value is HMAC-SHA256(seed, "<date>|<policy id>") read as a number in [0, 1);
    the client is selected when it is below the entry's probability (testing/draw.py). With the
    seed and the entries an auditor recomputes every value and every selection.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="selection_draws")
    date = models.DateField(help_text="The program's local day drawn for.")
    algorithm = models.CharField(max_length=30)
    seed = models.CharField(max_length=64, help_text="32 bytes from the OS CSPRNG, hex.")
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policies = models.PositiveIntegerField(default=0)
    selected = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "date"], name="selectiondraw_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Draw {self.date} ({self.selected}/{self.policies})"


class DrawEntry(models.Model):
    """One client's part of a draw: the policy in force, its probability, the value drawn."""

    # 100,000 rows a day at scale: only the indexes reads need (the unique (draw, policy) one
    # serves a draw's entries; the client's serves "when was I drawn").
    draw = models.ForeignKey(
        SelectionDraw, on_delete=models.CASCADE, related_name="entries", db_index=False
    )
    policy = models.ForeignKey(
        TestingPolicy, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    tests_per_period = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=5)
    window_days = models.JSONField(default=list)
    probability = models.FloatField()
    value = models.FloatField()
    selected = models.BooleanField()

    class Meta:
        ordering = ["draw", "policy_id"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "policy"], name="drawentry_once_per_policy")
        ]

    def __str__(self) -> str:
        return f"{self.value:.6f} < {self.probability:.6f}: {self.selected}"


class TestSelection(models.Model):
    """A test the client is asked to give on a day: drawn at random, for cause, or scheduled."""

    __test__ = False  # not a pytest test class

    class Kind(models.TextChoices):
        RANDOM = "random", "Random"
        FOR_CAUSE = "for_cause", "For cause"
        SCHEDULED = "scheduled", "Scheduled"

    class Status(models.TextChoices):
        SELECTED = "selected", "Selected"
        COLLECTED = "collected", "Collected"
        NO_SHOW = "no_show", "No-show"
        EXCUSED = "excused", "Excused"

    ALLOWED_TRANSITIONS = {
        Status.SELECTED: {Status.COLLECTED, Status.NO_SHOW, Status.EXCUSED},
        Status.NO_SHOW: {Status.COLLECTED, Status.EXCUSED},
        Status.COLLECTED: set(),
        Status.EXCUSED: set(),
    }

    # (client, date) and (program, date) indexes below serve the foreign keys too.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="test_selections", db_index=False
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", db_index=False)
    policy = models.ForeignKey(
        TestingPolicy, null=True, blank=True, on_delete=models.PROTECT, related_name="selections"
    )
    draw_entry = models.OneToOneField(
        DrawEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="selection"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RANDOM)
    date = models.DateField(help_text="The program's local day of the test.")
    window_opens_at = models.DateTimeField()
    window_closes_at = models.DateTimeField()
    site = models.CharField(max_length=300)
    observed = models.BooleanField(default=False)
    specimen_types = models.JSONField(default=list)
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SELECTED)
    seen_at = models.DateTimeField(null=True, blank=True, help_text="When the client first saw it.")
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "date"],
                condition=Q(kind="random"),
                name="testselection_one_random_a_day",
            ),
            models.CheckConstraint(
                condition=Q(window_closes_at__gt=models.F("window_opens_at")),
                name="testselection_window_order",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "window_closes_at"], name="testselection_open"),
            models.Index(fields=["client", "date"], name="testselection_client_date"),
            models.Index(fields=["program", "date"], name="testselection_program_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} test {self.date}"
