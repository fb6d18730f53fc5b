"""The alumni community: membership (opt-in, Part 2 information in itself), mentor offers and
matches, events with RSVPs, staff announcements, and requests for help that go to the care
team. Nothing here holds clinical data; other members see a first name and what a member chose
to write about themself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from recoverypath.accounts.models import Program
from recoverypath.clients.models import Client


class Member(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LEFT = "left", "Left"
        SUSPENDED = "suspended", "Suspended by staff"

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="alumni_member")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="alumni_members")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    listed = models.BooleanField(
        default=False, help_text="Shown (first name only) to other members who are listed too."
    )
    about = models.CharField(max_length=300, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    status_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["client__first_name", "id"]

    def __str__(self) -> str:
        return f"Alumni member {self.pk}"

    @property
    def first_name(self) -> str:
        return self.client.preferred_name or self.client.first_name


class MentorOffer(models.Model):
    """An alumnus volunteers to mentor; staff approve before anyone can ask."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting staff approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined by staff"
        WITHDRAWN = "withdrawn", "Withdrawn"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="mentor_offers")
    note = models.CharField(max_length=300, blank=True, help_text="What the mentor offers.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["pending", "approved"]),
                name="mentoroffer_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"Mentor offer {self.pk} ({self.status})"


class MentorMatch(models.Model):
    """A client asks an approved mentor. Active only when the client asked (their consent), the
    mentor agreed (theirs) and staff approved the pair."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    offer = models.ForeignKey(MentorOffer, on_delete=models.CASCADE, related_name="matches")
    mentee = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="mentor_matches")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    mentee_agreed_at = models.DateTimeField()
    mentor_agreed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "mentee"],
                condition=Q(status__in=["requested", "active"]),
                name="mentormatch_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(status="active")
                | Q(mentor_agreed_at__isnull=False, approved_at__isnull=False),
                name="mentormatch_active_needs_both_and_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentor match {self.pk} ({self.status})"


class Event(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="alumni_events")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True, help_text="Address, or blank if online.")
    online_url = models.URLField(blank=True)
    cancelled = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rsvps")
    going = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="rsvp_once")]

    def __str__(self) -> str:
        return f"RSVP {self.pk}"


class Announcement(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="alumni_news")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=4000)
    hidden = models.BooleanField(default=False, help_text="Taken down by staff.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class HelpRequest(models.Model):
    """A member asked for help: it reaches the care team as an alert, never the community."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="help_requests")
    message = models.CharField(max_length=1000, blank=True)
    alert_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Alumni help request {self.pk}"
