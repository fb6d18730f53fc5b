from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from recoverypath.accounts.models import Organization, Program
from recoverypath.core.timezones import local_today, validate_time_zone, zone_or_utc


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not recorded"


# Race and ethnicity as in the OMB's 1997 standard (Revisions to the Standards for the
# Classification of Federal Data on Race and Ethnicity, 62 FR 58782, October 30, 1997): two
# questions, ethnicity first, then race with one or more of five minimum categories. We chose
# 1997 over its 2024 revision (SPD 15, 89 FR 22182, March 29, 2024: one combined question,
# Hispanic or Latino among the races, and a seventh category, Middle Eastern or North African)
# because the categories asked for here are 1997's and federal collections have until 2029 to
# move; moving later means a data migration of these two fields, not a new model.
# Both are self-reported and optional: blank (ethnicity) or an empty list (race) means never
# asked; "declined" means the client chose not to answer.
class Ethnicity(models.TextChoices):
    HISPANIC_OR_LATINO = "hispanic_or_latino", "Hispanic or Latino"
    NOT_HISPANIC_OR_LATINO = "not_hispanic_or_latino", "Not Hispanic or Latino"
    DECLINED = "declined", "Declined to answer"


class Race(models.TextChoices):
    AMERICAN_INDIAN_OR_ALASKA_NATIVE = (
        "american_indian_or_alaska_native",
        "American Indian or Alaska Native",
    )
    ASIAN = "asian", "Asian"
    BLACK_OR_AFRICAN_AMERICAN = "black_or_african_american", "Black or African American"
    NATIVE_HAWAIIAN_OR_OTHER_PACIFIC_ISLANDER = (
        "native_hawaiian_or_other_pacific_islander",
        "Native Hawaiian or Other Pacific Islander",
    )
    WHITE = "white", "White"
    DECLINED = "declined", "Declined to answer"
    UNKNOWN = "unknown", "Unknown"


# "Declined" and "unknown" are answers on their own, never beside a category.
RACE_ALONE = {Race.DECLINED.value, Race.UNKNOWN.value}


def race_errors(value: object) -> str | None:
    """Why `value` is not a valid race answer (a list of distinct Race values), or None."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "Choose from the listed categories."
    if any(v not in Race.values for v in value):
        return "Choose from the listed categories."
    if len(set(value)) != len(value):
        return "Choose each category once."
    if len(value) > 1 and RACE_ALONE & set(value):
        return "“Declined to answer” and “Unknown” cannot be combined with a category."
    return None


class Client(models.Model):
    """A person in treatment. Everything about them is protected health information."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="clients")
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        related_name="clients",
        help_text="The program currently responsible for the client.",
    )
    mrn = models.CharField(
        "medical record number", max_length=32, validators=[MinLengthValidator(1)]
    )
    first_name = models.CharField("legal first name", max_length=100)
    last_name = models.CharField("legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    sex_assigned_at_birth = models.CharField(
        max_length=10,
        choices=Sex.choices,
        default=Sex.UNKNOWN,
        help_text="Used only where an instrument's cut-off depends on it (e.g. AUDIT-C).",
    )
    ethnicity = models.CharField(
        max_length=30,
        choices=Ethnicity.choices,
        blank=True,
        help_text="Self-reported (OMB 1997). Blank: not recorded.",
    )
    race = models.JSONField(
        default=list,
        blank=True,
        help_text="Self-reported, one or more (OMB 1997). Empty: not recorded.",
    )
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +12025550143")
    email = models.EmailField(blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_record",
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clinician_caseload",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinator_caseload",
        verbose_name="aftercare coordinator",
    )
    sobriety_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mrn"],
                name="client_mrn_unique",
                violation_error_message="This MRN is already in use in your organization.",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "last_name", "first_name"], name="client_program_name"),
            models.Index(fields=["primary_clinician"], name="client_clinician"),
            models.Index(fields=["coordinator"], name="client_coordinator"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_race_display(self) -> str:
        """The race answer for people: "Asian, White"; "" when not recorded."""
        labels = dict(Race.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.race or [])

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date_of_birth and self.date_of_birth > local_today(zone_or_utc(self.time_zone)):
            errors["date_of_birth"] = "Date of birth cannot be in the future."
        if self.date_of_birth and self.date_of_birth.year < 1900:
            errors["date_of_birth"] = "Enter a date of birth after 1900."
        problem = race_errors(self.race)
        if problem:
            errors["race"] = problem
        if self.sobriety_date and self.date_of_birth and self.sobriety_date < self.date_of_birth:
            errors["sobriety_date"] = "Sobriety date cannot be before the date of birth."
        # Tomorrow is allowed: a restart after a lapse today counts from the day after it
        # (clients.sobriety, "Restart convention").
        latest = local_today(zone_or_utc(self.time_zone)) + timedelta(days=1)
        if self.sobriety_date and self.sobriety_date > latest:
            errors["sobriety_date"] = "Sobriety date cannot be later than tomorrow."
        if (
            self.program_id
            and self.organization_id
            and self.program.organization_id != self.organization_id
        ):
            errors["program"] = "The program belongs to another organization."
        if errors:
            raise ValidationError(errors)

    def sobriety_days(self) -> int | None:
        """Whole days since the sobriety date, counted in the client's own time zone; 0 until it
        comes (a restart after a lapse today counts from tomorrow, clients.sobriety)."""
        if self.sobriety_date is None:
            return None
        return max(0, (local_today(self.time_zone) - self.sobriety_date).days)


class SupportContact(models.Model):
    """Someone in the client's support network: sponsor, family, friend, therapist."""

    class Kind(models.TextChoices):
        SPONSOR = "sponsor", _("Sponsor")
        FAMILY = "family", _("Family")
        FRIEND = "friend", _("Friend")
        THERAPIST = "therapist", _("Therapist")
        OTHER = "other", _("Other")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="support_contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    is_emergency_contact = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_emergency_contact", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class SobrietyStreak(models.Model):
    """One run of the sobriety counter. The open streak (no end date) starts at the client's
    sobriety date; restarting after a lapse closes it and opens a new one, so history is kept."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sobriety_streaks")
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="The day of the lapse that ended the streak."
    )
    end_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(end_date__isnull=True),
                name="sobriety_one_open_streak",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="sobriety_streak_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_date} - {self.end_date or 'now'}"
