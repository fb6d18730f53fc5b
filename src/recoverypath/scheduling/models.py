from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from recoverypath.accounts.models import Program
from recoverypath.care.models import Track
from recoverypath.clients.models import Client
from recoverypath.core.modality import CALL_DETAILS_MAX, Modality, tag_labels

from .recurrence_words import schedule_in_words


class SessionType(models.TextChoices):
    GROUP_THERAPY = "group_therapy", "Group therapy"
    INDIVIDUAL_COUNSELING = "individual_counseling", "Individual counseling"
    PSYCHOEDUCATION = "psychoeducation", "Psychoeducation"
    FAMILY_THERAPY = "family_therapy", "Family therapy"
    MEDICATION_MANAGEMENT = "medication_management", "Medication management"
    COORDINATOR_CHECKIN = "coordinator_checkin", "Coordinator check-in"


GROUP_TYPES = (SessionType.GROUP_THERAPY, SessionType.PSYCHOEDUCATION, SessionType.FAMILY_THERAPY)
INDIVIDUAL_TYPES = (
    SessionType.INDIVIDUAL_COUNSELING,
    SessionType.FAMILY_THERAPY,
    SessionType.MEDICATION_MANAGEMENT,
    SessionType.COORDINATOR_CHECKIN,
)


class Room(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="room_unique")]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A day the program is closed: generated group sessions skip it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["program", "date"], name="holiday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date})"


def validate_rrule(value: str) -> None:
    try:
        rrulestr(value, dtstart=datetime(2026, 1, 5, 9, 0))  # noqa: DTZ001 - local wall time
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            f"Not a valid RFC 5545 rule ({exc}); e.g. FREQ=WEEKLY;BYDAY=MO,WE,TH"
        ) from exc


class Group(models.Model):
    """A recurring group (e.g. Mon/Wed/Thu 09:00-12:00) with its own roster and capacity."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=120)
    session_type = models.CharField(
        max_length=30, choices=SessionType.choices, default=SessionType.GROUP_THERAPY
    )
    track = models.CharField(
        max_length=20,
        choices=Track.choices,
        default=Track.GENERAL,
        help_text="Clients of this track (or any track, for General) may join.",
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated_groups"
    )
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL)
    modality = models.CharField(max_length=10, choices=Modality.choices, default=Modality.IN_PERSON)
    telehealth_url = models.URLField(blank=True)  # the join link, for video
    call_details = models.CharField(
        max_length=CALL_DETAILS_MAX, blank=True, help_text="For phone: the number to call."
    )
    tags = models.JSONField(
        default=list, blank=True, help_text="Who the group is for: SupportGroupTag values."
    )
    capacity = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    rrule = models.CharField(
        "recurrence (RFC 5545 RRULE)",
        max_length=300,
        validators=[validate_rrule],
        help_text="e.g. FREQ=WEEKLY;BYDAY=MO,WE,TH",
    )
    start_date = models.DateField(help_text="First day of the recurrence (DTSTART).")
    start_time = models.TimeField(help_text="Local wall time in the program's time zone.")
    duration_minutes = models.PositiveSmallIntegerField(
        default=180, validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    end_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    generated_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.session_type and self.session_type not in GROUP_TYPES:
            raise ValidationError({"session_type": "Choose a group session type."})
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end cannot be before the start."})
        if self.modality != Modality.PHONE and not self.room_id and not self.telehealth_url:
            raise ValidationError({"room": "Choose a room or give a telehealth link."})

    @property
    def tag_labels(self) -> list[str]:
        return tag_labels(self.tags or [])

    def admits_track(self, track: str) -> bool:
        """A General group admits every track; any other admits its own."""
        return self.track == Track.GENERAL or track == self.track

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def schedule_in_words(self) -> str:
        """ "Tuesdays and Fridays, 9:00-12:00": the recurrence as people read it."""
        return schedule_in_words(
            rule=self.rrule,
            start_date=self.start_date,
            start_time=self.start_time,
            duration_minutes=self.duration_minutes,
        )


class Session(models.Model):
    """One meeting: an occurrence of a group, or an individual appointment with one client."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    client = models.ForeignKey(
        Client,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="individual_sessions",
        help_text="The client of an individual session; empty for a group's session.",
    )
    session_type = models.CharField(max_length=30, choices=SessionType.choices)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_led"
    )
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL)
    modality = models.CharField(max_length=10, choices=Modality.choices, default=Modality.IN_PERSON)
    telehealth_url = models.URLField(blank=True)  # the join link, for video
    call_details = models.CharField(
        max_length=CALL_DETAILS_MAX, blank=True, help_text="For phone: the number to call."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    occurrence_date = models.DateField(
        null=True, blank=True, help_text="The rule's local date this session was generated for."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    moved = models.BooleanField(default=False)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # iCalendar SEQUENCE of the session's event in calendar feeds: raised by every service that
    # changes what a subscribed calendar shows (move, cancel, holiday, group edit).
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "occurrence_date"],
                condition=Q(group__isnull=False),
                name="session_one_per_group_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=True, client__isnull=False)
                | Q(group__isnull=False, client__isnull=True),
                name="session_group_xor_client",
            ),
        ]
        indexes = [
            models.Index(fields=["facilitator", "starts_at"], name="session_facilitator_time"),
            models.Index(fields=["client", "starts_at"], name="session_client_time"),
            models.Index(fields=["room", "starts_at"], name="session_room_time"),
            models.Index(fields=["program", "starts_at"], name="session_program_time"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d %H:%M}"

    # Set on calendar rows by selectors.clinician_calendar (how many clients the session is for).
    roster_count: int

    @property
    def title(self) -> str:
        if self.group_id and self.group is not None:
            return self.group.name
        return self.get_session_type_display()

    @property
    def is_group(self) -> bool:
        return self.group_id is not None

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def join_url(self) -> str:
        """The link a client follows to join: only a video session has one."""
        return self.telehealth_url if self.modality == Modality.VIDEO else ""


class GroupEnrollment(models.Model):
    """A client's place in a group, or their place on its waitlist (ordered by waitlisted_at)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Enrolled"
        WAITLISTED = "waitlisted", "Waitlisted"
        ENDED = "ended", "Left"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="enrollments")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="group_enrollments")
    status = models.CharField(max_length=12, choices=Status.choices)
    joined_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "status", "waitlisted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "client"],
                condition=Q(status__in=["active", "waitlisted"]),
                name="group_enrollment_one_open",
                violation_error_message="The client is already in this group or on its waitlist.",
            ),
        ]
        indexes = [models.Index(fields=["client", "status"], name="enrollment_client_status")]

    def __str__(self) -> str:
        return f"{self.client} in {self.group} ({self.status})"

    def covers(self, day: date) -> bool:
        if self.status == self.Status.WAITLISTED or self.joined_on is None:
            return False
        return self.joined_on <= day and (self.ended_on is None or day <= self.ended_on)


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        LEFT_EARLY = "left_early", "Left early"
        EXCUSED = "excused", "Excused absence"
        UNEXCUSED = "unexcused", "Unexcused absence"

    ABSENT = ("excused", "unexcused")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=12, choices=Status.choices)
    minutes_attended = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="attendance_unique"),
            models.CheckConstraint(
                condition=~Q(status__in=["excused", "unexcused"]) | Q(minutes_attended=0),
                name="attendance_absent_no_minutes",
            ),
        ]
        indexes = [models.Index(fields=["client", "session"], name="attendance_client")]

    def __str__(self) -> str:
        return f"{self.client} {self.get_status_display()}"

    @property
    def is_absent(self) -> bool:
        return self.status in self.ABSENT


class ClinicalNote(models.Model):
    """A DAP note for one client in one session. Signed notes are locked; addenda amend them."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    ALLOWED_TRANSITIONS = {Status.DRAFT: {Status.SIGNED}, Status.SIGNED: set()}

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="notes")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="clinical_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinical_notes"
    )
    data = models.TextField("data", blank=True, help_text="What was observed and said.")
    assessment = models.TextField("assessment", blank=True, help_text="What it means clinically.")
    plan = models.TextField("plan", blank=True, help_text="What happens next.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="note_one_per_client"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_at__isnull=False),
                name="note_signed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["author", "status", "created_at"], name="note_todo")]

    def __str__(self) -> str:
        return f"Note for {self.client} ({self.get_status_display()})"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED


class NoteAddendum(models.Model):
    """An amendment to a signed note; the original text is never changed."""

    note = models.ForeignKey(ClinicalNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum to {self.note_id}"
