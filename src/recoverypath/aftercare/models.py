from __future__ import annotations

from django.conf import settings
from django.db import models

from recoverypath.accounts.models import Organization, Program
from recoverypath.clients.models import Client, SupportContact
from recoverypath.core.modality import (
    CALL_DETAILS_MAX,
    JOIN_URL_MAX,
    Modality,
    modality_labels,
    tag_labels,
)


class ExternalProvider(models.Model):
    """A provider outside the organization: therapist, psychiatrist, sober-living home, group."""

    class Kind(models.TextChoices):
        THERAPIST = "therapist", "Therapist"
        PSYCHIATRIST = "psychiatrist", "Psychiatrist"
        SOBER_LIVING = "sober_living", "Sober-living home"
        SUPPORT_GROUP = "support_group", "Support group"
        OTHER = "other", "Other"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="external_providers"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    services = models.TextField(blank=True, help_text="What they offer, e.g. CBT, MAT, women only.")
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +12025550143")
    # Kept in step with `modalities` by the services: true when video is among them.
    telehealth = models.BooleanField(default=False)
    modalities = models.JSONField(
        default=list, blank=True, help_text="How they see clients: Modality values."
    )
    accepted_insurance = models.TextField(
        blank=True, help_text="Plans accepted, one per line or comma separated."
    )
    accepting_new_clients = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "kind"], name="extprovider_org_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def modality_labels(self) -> list[str]:
        return modality_labels(self.modalities or [])


class AftercarePlan(models.Model):
    """The client's plan after graduation: components, goals, coordinator check-ins."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused (stepped up to IOP)"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.ACTIVE: {Status.PAUSED, Status.COMPLETED, Status.CANCELLED},
        Status.PAUSED: {Status.ACTIVE, Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }
    OPEN_STATUSES = (Status.ACTIVE, Status.PAUSED)

    class Length(models.TextChoices):
        THREE = "3m", "3 months"
        SIX = "6m", "6 months"
        CUSTOM = "custom", "Custom"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="aftercare_plans")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="aftercare_plans")
    episode = models.ForeignKey(
        "care.EpisodeOfCare",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aftercare_plans",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aftercare_plans",
    )
    length = models.CharField(max_length=10, choices=Length.choices, default=Length.THREE)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    checkin_every_days = models.PositiveSmallIntegerField(
        "coordinator check-in every (days)", default=14
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The coordinator dashboard's sort, stored so a page is an index range scan (see
    # earlywarning.risk, which keeps them): the client's most severe active alert (0 critical
    # .. 3 low, 9 none) and their latest warning sign.
    risk_rank = models.PositiveSmallIntegerField(default=9, editable=False)
    last_warning_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status__in=["active", "paused"]),
                name="aftercare_one_open_plan",
                violation_error_message="The client already has an open aftercare plan.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="aftercare_plan_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"], name="aftercare_program_status")]

    def __str__(self) -> str:
        return f"Aftercare plan {self.start_date} - {self.end_date}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class AftercarePlanChange(models.Model):
    """History of a plan's lifecycle: created, extended, paused, resumed, completed."""

    plan = models.ForeignKey(AftercarePlan, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class PlanComponent(models.Model):
    """One part of the plan with how often it should happen, so adherence can be measured."""

    class Kind(models.TextChoices):
        THERAPY = "therapy", "Outpatient therapy"
        SUPPORT_GROUP = "support_group", "Support group"
        COACHING = "coaching", "Recovery coaching"
        SOBER_LIVING = "sober_living", "Sober living"
        MEDICATION = "medication", "Medication management"
        DIGITAL = "digital", "Digital tools"
        ACTIVITY = "activity", "Exercise / community activity"
        RANDOM_TESTING = "random_testing", "Random testing"
        OTHER = "other", "Other"

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        SEVERAL = "several_weekly", "Several times a week"
        WEEKLY = "weekly", "Weekly"
        BIWEEKLY = "biweekly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"
        AS_NEEDED = "as_needed", "As needed"

    class GroupType(models.TextChoices):
        AA = "aa", "AA"
        NA = "na", "NA"
        SMART = "smart", "SMART Recovery"
        OTHER = "other", "Other"

    plan = models.ForeignKey(AftercarePlan, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY)
    expected_per_week = models.DecimalField(
        max_digits=4, decimal_places=2, default=1, help_text="0 when it is not counted."
    )
    provider = models.ForeignKey(
        ExternalProvider, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group_type = models.CharField(max_length=10, choices=GroupType.choices, blank=True)
    meeting_schedule = models.CharField(
        max_length=300, blank=True, help_text='Days, times and meeting names, e.g. "Mon 7pm Hope".'
    )
    tags = models.JSONField(
        default=list, blank=True, help_text="Support groups: who it is for (SupportGroupTag)."
    )
    residence = models.CharField("sober-living home", max_length=200, blank=True)
    move_in_date = models.DateField(null=True, blank=True)
    prescriber = models.CharField(max_length=200, blank=True)
    next_visit = models.DateField(null=True, blank=True)
    details = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_per_week__gte=0, expected_per_week__lte=14),
                name="component_expected_range",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def tag_labels(self) -> list[str]:
        return tag_labels(self.tags or [])


class ComponentContact(models.Model):
    """A logged occurrence of a component (a therapy session, a meeting, a coaching call)."""

    component = models.ForeignKey(PlanComponent, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField()
    attended = models.BooleanField(default=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["component", "date"], name="contact_component_date")]

    def __str__(self) -> str:
        return f"{self.component} {self.date}"


class Goal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Set aside"

    plan = models.ForeignKey(AftercarePlan, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=300)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "target_date", "id"]

    def __str__(self) -> str:
        return self.description


class GoalProgressNote(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField()
    note = models.TextField(max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.note[:40]}"


class CoordinatorCheckIn(models.Model):
    """A one-on-one between coordinator and client, scheduled per the plan's cadence."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.SCHEDULED: {Status.ATTENDED, Status.MISSED, Status.CANCELLED},
        Status.ATTENDED: set(),
        Status.MISSED: set(),
        Status.CANCELLED: set(),
    }

    plan = models.ForeignKey(AftercarePlan, on_delete=models.CASCADE, related_name="check_ins")
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="coordinator_check_ins"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_at = models.DateTimeField()
    modality = models.CharField(max_length=10, choices=Modality.choices, default=Modality.IN_PERSON)
    join_url = models.URLField("join link", max_length=JOIN_URL_MAX, blank=True)
    call_details = models.CharField(max_length=CALL_DETAILS_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    note = models.TextField(blank=True, max_length=4000)
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [
            models.Index(fields=["client", "status", "scheduled_at"], name="coordcheckin_client")
        ]

    def __str__(self) -> str:
        return f"Coordinator check-in {self.scheduled_at:%Y-%m-%d} ({self.status})"


class SupportPreferences(models.Model):
    """The client's choices for the "I need help now" page. Their care team is always told;
    this is whom ELSE to tell: their sponsor or support contacts, by text message."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="support_prefs")
    text_on_help = models.ManyToManyField(
        SupportContact,
        blank=True,
        related_name="+",
        verbose_name='When I press "I need help now", also text',
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Support preferences of client {self.client_id}"


class HelpRequest(models.Model):
    """A press of "I need help now": the critical alert it raised and who was told, as told."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="help_requests")
    submission_key = models.CharField(
        max_length=64,
        blank=True,
        help_text="From the page the client pressed on: the same key twice is one press.",
    )
    alert = models.ForeignKey(
        "alerts.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff_told = models.JSONField(
        default=list, blank=True, help_text='[{"name": ..., "role": ...}] of the staff told.'
    )
    contacts_texted = models.JSONField(
        default=list, blank=True, help_text="Names of the support contacts texted."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="help_request_one_per_press",
            )
        ]

    def __str__(self) -> str:
        return f"Help request {self.created_at:%Y-%m-%d %H:%M}"
