"""What a client is tested for and how often: the program's testing settings, panels (analytes
and cut-offs) and the client's testing policy."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client

from ..catalog import SPECIMEN_TYPES


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
