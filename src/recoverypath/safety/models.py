"""Stanley-Brown safety plans (versioned), a client's safety profile and safety events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recoverypath.clients.models import Client

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# The six Stanley-Brown sections (Stanley & Brown 2012) plus "my reasons for living".
SECTIONS: tuple[tuple[str, _StrOrPromise, _StrOrPromise], ...] = (
    (
        "warning_signs",
        _("1. Warning signs"),
        _(
            "Thoughts, images, moods, situations or behaviours that tell me a crisis may be developing"  # noqa: E501
        ),
    ),
    (
        "internal_coping",
        _("2. Internal coping strategies"),
        _("Things I can do on my own to take my mind off my problems"),
    ),
    (
        "social_distractions",
        _("3. People and social settings that provide distraction"),
        _("People and places that help take my mind off things"),
    ),
    ("people_to_ask", _("4. People I can ask for help"), _("Names and phone numbers")),
    (
        "professionals",
        _("5. Professionals and agencies I can contact during a crisis"),
        _(
            "My clinician, the program's after-hours line, 988 Suicide & Crisis Lifeline, local "
            "emergency services (911)"
        ),
    ),
    (
        "environment_safety",
        _("6. Making the environment safe"),
        _("Steps to limit access to lethal means"),
    ),
    (
        "reasons_for_living",
        _("My reasons for living"),
        _("The one thing (or things) most important to me and worth living for"),
    ),
)
SECTION_FIELDS: tuple[str, ...] = tuple(section[0] for section in SECTIONS)
REQUIRED_SECTIONS = SECTION_FIELDS[:6]


class SafetyPlan(models.Model):
    """One version of a client's safety plan. Plans are never edited in place: each change is a
    new row with the next version number, and every earlier version is kept."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="safety_plans")
    version = models.PositiveIntegerField()
    warning_signs = models.TextField()
    internal_coping = models.TextField()
    social_distractions = models.TextField()
    people_to_ask = models.TextField()
    professionals = models.TextField()
    environment_safety = models.TextField()
    reasons_for_living = models.TextField(blank=True)
    written_with_client = models.BooleanField(
        default=True, help_text="Written together with the client (never a no-suicide contract)."
    )
    change_note = models.CharField(max_length=300, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="safety_plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"Safety plan v{self.version} for client {self.client_id}"

    def sections(self) -> list[tuple[str, _StrOrPromise, _StrOrPromise, str]]:
        """(field, title, hint, text) for each section, in plan order."""
        return [(name, title, hint, getattr(self, name)) for name, title, hint in SECTIONS]


class SafetyProfile(models.Model):
    """Per-client safety facts a clinician records (one row per client, created on first write)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="safety_profile")
    history_of_self_harm = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Safety profile of client {self.client_id}"


class SafetyEvent(models.Model):
    """Something that made a client's safety a concern (a positive screen), with the clinician's
    "review safety plan" follow-up; the event stays on the to-do list until the review is done."""

    class Kind(models.TextChoices):
        POSITIVE_SCREEN = "positive_screen", "Positive safety screen"
        SELF_HARM_DISCLOSED = "self_harm_disclosed", "Self-harm disclosed"
        OTHER = "other", "Other safety concern"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="safety_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    summary = models.CharField(max_length=300, blank=True)
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_completed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["client", "occurred_at"],
                name="safety_event_open",
                condition=models.Q(review_completed_at__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "kind", "source_type", "source_id"],
                condition=~models.Q(source_id=""),
                name="safety_event_one_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for client {self.client_id}"

    @property
    def is_open(self) -> bool:
        return self.review_completed_at is None
