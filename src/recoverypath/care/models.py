from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client

from . import levels


class Track(models.TextChoices):
    """Program tracks: a client's episode and a group each have one; groups admit their track."""

    GENERAL = "general", "General"
    SUBSTANCE_USE = "substance_use", "Substance use"
    CO_OCCURRING = "co_occurring", "Co-occurring"
    WOMENS = "womens", "Women's"
    MENS = "mens", "Men's"
    YOUNG_ADULT = "young_adult", "Young adult"


class EpisodeOfCare(models.Model):
    """A stretch of care for one client in one program at one level of care (ASAM)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    # The only moves the lifecycle allows; changed through care.services only.
    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.PLANNED: {Status.ACTIVE, Status.CANCELLED},
        Status.ACTIVE: {Status.FINISHED},
        Status.FINISHED: set(),
        Status.CANCELLED: set(),
    }

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="episodes")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="episodes")
    level_code = models.CharField(
        "level of care",
        max_length=16,
        help_text="ASAM level code (e.g. 2.1 for IOP) or 'aftercare'; names come from care.levels.",
    )
    edition = models.CharField(
        "ASAM edition", max_length=1, choices=levels.EDITIONS, default=levels.DEFAULT_EDITION
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    track = models.CharField(max_length=20, choices=Track.choices, default=Track.GENERAL)
    start_date = models.DateField()
    planned_end_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    previous_episode = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_episode",
        help_text="The episode this one stepped up or down from.",
    )
    transition_reason = models.TextField(
        blank=True, help_text="Why the client moved to this level (step up / step down)."
    )
    # Admission check (IOP placement questions), as answered at enrollment.
    placement_answers = models.JSONField(default=dict, blank=True)
    placement_warnings = models.JSONField(default=list, blank=True)
    placement_override_reason = models.TextField(
        blank=True, help_text="Why the clinician enrolled despite the placement warnings."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "program"],
                condition=Q(status="active"),
                name="episode_one_active_per_client_program",
                violation_error_message="The client already has an active episode in this program.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="episode_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__isnull=True)
                | Q(planned_end_date__gte=F("start_date")),
                name="episode_planned_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "status"], name="episode_client_status"),
            models.Index(fields=["program", "status", "level_code"], name="episode_program_level"),
        ]

    def __str__(self) -> str:
        return f"{self.level_short} {self.start_date:%Y-%m-%d} ({self.get_status_display()})"

    @property
    def level(self) -> levels.Level | None:
        return levels.level_get(self.level_code, self.edition)

    @property
    def level_name(self) -> str:
        return levels.level_name(self.level_code, self.edition)

    @property
    def level_short(self) -> str:
        level = self.level
        return level.short if level else self.level_code

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if levels.level_get(self.level_code, self.edition) is None:
            errors["level_code"] = (
                f"{self.level_code!r} is not a level of care in ASAM edition {self.edition}."
            )
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date cannot be before the start date."
        if self.planned_end_date and self.start_date and self.planned_end_date < self.start_date:
            errors["planned_end_date"] = "The planned end cannot be before the start date."
        if self.client_id and self.program_id:
            program_org = Program.objects.filter(pk=self.program_id).values_list(
                "organization_id", flat=True
            )
            if self.client.organization_id not in list(program_org):
                errors["program"] = "The program belongs to another organization."
        if errors:
            raise ValidationError(errors)


class EpisodeStatusChange(models.Model):
    """History of an episode's lifecycle: one row per move, never edited."""

    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
