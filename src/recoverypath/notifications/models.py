"""Notifications (one row per message per channel), staff preferences, and reminders."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recoverypath.accounts.models import Program

from .reminder_config import ReminderKind


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message (SMS)"
    IN_APP = "in_app", "In the app"


class Notification(models.Model):
    """One message to one person on one channel: the delivery log and the outbox in one.

    The row is written in the same transaction as whatever caused it, so a crash never loses it;
    the worker claims it with a conditional UPDATE before sending, so it is never sent twice. Just
    before the provider call the row is marked `sending` (committed): a row found still `sending`
    later means the worker died mid-call, and it is resolved with the provider or left `unknown`
    for a person to check, never sent again blindly.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Unknown — check"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text="Empty for a text to someone without a login (a client's support contact).",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template = models.CharField(max_length=100)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="The rendered text. Never PHI for e-mail and SMS.")
    link = models.URLField(max_length=500, blank=True)
    address = models.CharField(
        max_length=254, blank=True, help_text="E-mail address or phone number used, if any."
    )
    critical = models.BooleanField(default=False, help_text="Ignores quiet hours.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker holds the row until then (crash recovery)."
    )
    sending_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last provider call started."
    )
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker's sweep: queued rows that are due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="notification_due",
            ),
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox"),
            # The recovery step: rows whose worker may have died during the provider call.
            models.Index(
                fields=["sending_at"],
                condition=Q(status="sending"),
                name="notification_sending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="queued") | Q(claimed_until=None),
                name="notification_claim_only_queued",
            ),
            models.CheckConstraint(
                condition=~Q(recipient=None) | (Q(channel="sms") & ~Q(address="")),
                name="notification_recipient_or_number",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_channel_display()} to {self.recipient_id}: {self.template} ({self.status})"
        )


class NotificationPreference(models.Model):
    """How a person (staff member or client) wants to hear about things, and when not to be
    disturbed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField("e-mail", default=True)
    sms = models.BooleanField("text message", default=False)
    in_app = models.BooleanField("in the app", default=True)
    phone = models.CharField(
        max_length=20, blank=True, help_text="For text messages, E.164, e.g. +12025550143"
    )
    quiet_hours_start = models.TimeField(
        null=True, blank=True, help_text="No e-mail or texts from this time (your time zone)."
    )
    quiet_hours_end = models.TimeField(
        null=True, blank=True, help_text="...until this time. Critical alerts still come through."
    )
    check_in_reminder_time = models.TimeField(
        _("daily check-in reminder"),
        null=True,
        blank=True,
        help_text=_(
            "A reminder to check in every day at this time (your time zone); empty for none."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_hours_start=None, quiet_hours_end=None)
                | (~Q(quiet_hours_start=None) & ~Q(quiet_hours_end=None)),
                name="preference_quiet_hours_both_or_neither",
                violation_error_message="Give both a start and an end for quiet hours, or neither.",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"


class Reminder(models.Model):
    """A message to send to someone at a moment; sent once by the worker, or cancelled."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS = {
        Status.SCHEDULED: {Status.SENT, Status.CANCELLED},
        Status.SENT: set(),
        Status.CANCELLED: set(),
    }

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    at = models.DateTimeField(help_text="When to send (UTC).")
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    dedup_key = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["at"], condition=Q(status="scheduled"), name="reminder_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"],
                condition=Q(status="scheduled") & ~Q(dedup_key=""),
                name="reminder_dedup_scheduled_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.template} for {self.recipient_id} at {self.at:%Y-%m-%d %H:%M}"


class ReminderSetting(models.Model):
    """A program's override of one kind of reminder (a kind without a row uses the defaults in
    `notifications.reminder_config.DEFAULTS`: every kind on)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="reminder_settings")
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    enabled = models.BooleanField(default=True)
    lead_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(7 * 24 * 60)],
        help_text="How long before the event the reminder goes (kinds with a lead time).",
    )
    send_time = models.TimeField(
        null=True, blank=True, help_text="Local time of day it goes (kinds sent at a time of day)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="remindersetting_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'on' if self.enabled else 'off'})"
