from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recoverypath.clients.models import Client

TRIGGERS = [
    ("stress", _("Stress")),
    ("people", _("People who use")),
    ("places", _("Places I used")),
    ("conflict", _("Conflict")),
    ("loneliness", _("Loneliness")),
    ("boredom", _("Boredom")),
    ("pain", _("Pain or illness")),
    ("celebration", _("Celebration")),
    ("money", _("Money worries")),
    ("tired", _("Tired")),
]
COPING = [
    ("called", _("Called someone")),
    ("meeting", _("Went to a meeting")),
    ("exercise", _("Exercise")),
    ("breathing", _("Breathing or meditation")),
    ("distraction", _("Distraction")),
    ("plan", _("Used my safety plan")),
    ("rest", _("Rest")),
]
SUBSTANCES = [
    ("alcohol", _("Alcohol")),
    ("cannabis", _("Cannabis")),
    ("opioids", _("Opioids")),
    ("stimulants", _("Stimulants")),
    ("benzodiazepines", _("Benzodiazepines")),
    ("other", _("Other")),
]
TRIGGER_KEYS = frozenset(k for k, _ in TRIGGERS)
COPING_KEYS = frozenset(k for k, _ in COPING)
SUBSTANCE_KEYS = frozenset(k for k, _ in SUBSTANCES)


class CheckIn(models.Model):
    """The client's daily check-in: one per client per local day (a resubmission updates it)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="check_ins")
    date = models.DateField(help_text=_("The client's local day."))
    mood = models.PositiveSmallIntegerField(help_text=_("1 (very low) to 5 (very good)"))
    craving = models.PositiveSmallIntegerField(help_text=_("0 (none) to 10 (overwhelming)"))
    sleep_hours = models.DecimalField(max_digits=3, decimal_places=1)
    stress = models.PositiveSmallIntegerField(help_text=_("0 (none) to 10 (extreme)"))
    used = models.BooleanField(default=False)
    substances = models.JSONField(default=list, blank=True)
    triggers = models.JSONField(default=list, blank=True)
    trigger_other = models.CharField(max_length=200, blank=True)
    coping = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    revision = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "date"], name="checkin_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(mood__gte=1, mood__lte=5), name="checkin_mood_range"
            ),
            models.CheckConstraint(
                condition=models.Q(craving__lte=10), name="checkin_craving_range"
            ),
            models.CheckConstraint(condition=models.Q(stress__lte=10), name="checkin_stress_range"),
            models.CheckConstraint(
                condition=models.Q(sleep_hours__gte=0, sleep_hours__lte=24),
                name="checkin_sleep_range",
            ),
        ]
        indexes = [models.Index(fields=["date", "client"], name="checkin_date_client")]

    def __str__(self) -> str:
        return f"Check-in {self.date}"


# What a client answers in a check-in (a resubmission of the day replaces these).
CHECK_IN_ANSWERS = (
    "mood",
    "craving",
    "sleep_hours",
    "stress",
    "used",
    "substances",
    "triggers",
    "trigger_other",
    "coping",
    "note",
)


class Lapse(models.Model):
    """A reported use. Kept whether or not the client restarts the counter."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="lapses")
    date = models.DateField()
    substance = models.CharField(max_length=200, blank=True)
    context = models.TextField(blank=True, max_length=2000)
    # Kept by the ORM, not the database: on PostgreSQL check-ins are partitioned by month
    # (core.partitioning), and a foreign key there would have to carry the check-in's date.
    check_in = models.ForeignKey(
        CheckIn,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lapses",
        db_constraint=False,
    )
    counter_restarted = models.BooleanField(
        null=True, blank=True, help_text=_("Empty until the client answers.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["client", "date"], name="lapse_one_per_day")]

    def __str__(self) -> str:
        return f"Lapse {self.date}"


class MilestoneCelebration(models.Model):
    """A milestone shown to the client: once per streak (sobriety date) and milestone."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="milestones")
    streak_start = models.DateField()
    key = models.CharField(max_length=10)
    label = models.CharField(max_length=40)
    reached_on = models.DateField()
    celebrated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reached_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "streak_start", "key"], name="milestone_once_per_streak"
            )
        ]

    def __str__(self) -> str:
        return self.label


def meeting_sheet_path(instance: MeetingAttendance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    stamp = f"{instance.date:%Y%m%d}-{instance.pk or 'new'}"
    return f"monitoring/meeting-sheets/{instance.client_id}/{stamp}.{ext}"


class MeetingAttendance(models.Model):
    """A support-group meeting the client went to, optionally verified."""

    class MeetingType(models.TextChoices):
        AA = "aa", _("AA")
        NA = "na", _("NA")
        SMART = "smart", _("SMART Recovery")
        OTHER = "other", _("Other")

    class Verification(models.TextChoices):
        NONE = "none", _("Not verified")
        SIGNATURE = "signature", _("Signature")
        PHOTO = "photo", _("Photo of meeting sheet")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    meeting_type = models.CharField(max_length=10, choices=MeetingType.choices)
    meeting_name = models.CharField(max_length=200, blank=True)
    verification = models.CharField(
        max_length=10, choices=Verification.choices, default=Verification.NONE
    )
    signature = models.CharField(
        max_length=200, blank=True, help_text=_("Name or initials of the chair who signed.")
    )
    sheet = models.FileField(upload_to=meeting_sheet_path, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["client", "date"], name="meeting_client_date")]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()} {self.date}"
