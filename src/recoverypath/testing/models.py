"""Random drug and alcohol testing: panels, policies, the daily draw, selections, collections and
results, and the medications that make a positive expected."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client

from .catalog import ANALYTE_CHOICES, SPECIMEN_TYPES


class SpecimenType(models.TextChoices):
    URINE = "urine", "Urine"
    ORAL_FLUID = "oral_fluid", "Oral fluid"
    BREATH = "breath", "Breath"


assert [(c.value, c.label) for c in SpecimenType] == list(SPECIMEN_TYPES)


class TestingSettings(models.Model):
    """A program's testing rules: the BrAC alert threshold, whether a presumptive positive alerts,
    and the default policy for IOP clients."""

    __test__ = False  # not a pytest test class

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="testing")
    brac_threshold = models.DecimalField(
        "BrAC alert threshold (g/210 L)",
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.020"),
        help_text="A breath alcohol at or above this raises an alert.",
    )
    alert_on_presumptive = models.BooleanField(
        "Alert on a presumptive positive",
        default=False,
        help_text="Otherwise only a lab-confirmed positive raises an alert.",
    )
    default_tests = models.PositiveSmallIntegerField("default tests per period", default=2)
    default_period = models.CharField(max_length=5, default="week")
    default_panel = models.ForeignKey(
        "TestPanel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "testing settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(brac_threshold__gt=0), name="testing_brac_threshold_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Testing settings of program {self.program_id}"


class TestPanel(models.Model):
    """A set of analytes with the cut-offs results are judged by. Standard panels (no program)
    come from shared/CLINICAL.md; a program may define its own."""

    __test__ = False  # not a pytest test class

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="test_panels"
    )
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    specimen_type = models.CharField(max_length=12, choices=SpecimenType.choices)
    cutoffs = models.JSONField(
        default=dict, help_text='{"marijuana": {"screen": "50", "confirm": "15"}, ...} in ng/mL'
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["program_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="testpanel_code_per_program"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(program=None), name="testpanel_standard_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def analytes(self) -> list[str]:
        return list(self.cutoffs)


class TestingPolicy(models.Model):
    """How often and how a client is tested. Random selection gives every day of the window the
    same chance p = tests per period / window days per period."""

    __test__ = False  # not a pytest test class

    class Period(models.TextChoices):
        WEEK = "week", "Per week"
        MONTH = "month", "Per month"

    class Origin(models.TextChoices):
        AFTERCARE = "aftercare", "Aftercare plan component"
        PROGRAM_DEFAULT = "program_default", "Program default"
        STAFF = "staff", "Set by staff"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="testing_policies")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="testing_policies")
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.STAFF)
    plan_component_id = models.BigIntegerField(
        null=True, blank=True, help_text="The aftercare plan component this policy carries out."
    )
    tests_per_period = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=5, choices=Period.choices, default=Period.WEEK)
    panel = models.ForeignKey(
        TestPanel, null=True, blank=True, on_delete=models.PROTECT, related_name="policies"
    )
    specimen_types = models.JSONField(default=list, help_text="urine, oral_fluid, breath")
    window_days = models.JSONField(
        default=list, help_text="Weekdays collection is open, 0 = Monday ... 6 = Sunday."
    )
    window_start = models.TimeField()
    window_end = models.TimeField()
    observed = models.BooleanField(default=False)
    site = models.CharField("collection site", max_length=300)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "testing policies"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date=None) | Q(end_date__gte=models.F("start_date")),
                name="testingpolicy_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="testingpolicy_window_order",
            ),
            models.CheckConstraint(
                condition=Q(tests_per_period__gte=1), name="testingpolicy_tests_positive"
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status="active"),
                name="testingpolicy_one_active",
                violation_error_message="The client already has an active testing policy.",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status", "start_date"], name="testingpolicy_draw"),
            models.Index(fields=["client", "status"], name="testingpolicy_client"),
        ]

    def __str__(self) -> str:
        return f"{self.tests_per_period} {self.get_period_display().lower()}"

    @property
    def window_day_names(self) -> str:
        names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        if sorted(self.window_days) == list(range(7)):
            return "every day"
        return ", ".join(names[d] for d in sorted(self.window_days))


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
