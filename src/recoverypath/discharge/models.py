"""Discharge planning: the plan opened at IOP enrollment, its checklist, referrals to external
providers, the discharge summary and graduation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from recoverypath.accounts.models import Organization, Program
from recoverypath.aftercare.models import ExternalProvider
from recoverypath.care.models import EpisodeOfCare
from recoverypath.clients.models import Client
from recoverypath.core.modality import CALL_DETAILS_MAX, JOIN_URL_MAX, Modality


class DischargePlan(models.Model):
    """The plan for leaving IOP well, opened the day an IOP episode starts."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        GRADUATED = "graduated", "Graduated"
        CLOSED = "closed", "Closed without graduating"

    class AlumniResponse(models.TextChoices):
        NONE = "", "Not answered"
        ACCEPTED = "accepted", "Joined"
        DECLINED = "declined", "Declined"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="discharge_plans")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="discharge_plans")
    episode = models.OneToOneField(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="discharge_plan"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discharge_plans_owned",
        help_text="The client's clinician, who answers for the plan.",
    )
    target_graduation_date = models.DateField()
    diagnoses = models.JSONField(
        default=list, blank=True, help_text='As recorded: [{"code": "F10.20", "description": ...}]'
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    graduated_on = models.DateField(null=True, blank=True)
    graduated_at = models.DateTimeField(null=True, blank=True)
    graduated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(
        blank=True, help_text="Why the clinician graduated the client with required items open."
    )
    override_open_items = models.JSONField(default=list, blank=True)
    last_iop_session_on = models.DateField(
        null=True, blank=True, help_text="Last attended IOP session, fixed at graduation."
    )
    alumni_offered_at = models.DateTimeField(null=True, blank=True)
    alumni_response = models.CharField(
        max_length=10, choices=AlumniResponse.choices, blank=True, default=""
    )
    alumni_responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_graduation_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "program"],
                condition=Q(status="open"),
                name="discharge_one_open_plan_per_client_program",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status", "target_graduation_date"], name="dplan_prog"),
            models.Index(fields=["program", "status", "graduated_on"], name="dplan_grad"),
        ]

    def __str__(self) -> str:
        return f"Discharge plan for {self.client} ({self.get_status_display()})"


class ChecklistItem(models.Model):
    """One thing that must be true before graduation, with who owns it and the evidence."""

    class Kind(models.TextChoices):
        LIVING_SITUATION = "living_situation", "Living situation assessed"
        BARRIERS = "barriers", "Barriers to sobriety named, each with a plan"
        PEER_SUPPORT = "peer_support", "Peer support chosen"
        FAMILY = "family_involvement", "Family involvement"
        MEDICATION = "medication_continuity", "Medication continuity"
        FIRST_APPOINTMENT = "first_aftercare_appointment", "First aftercare appointment booked"
        SAFETY_PLAN = "safety_plan", "Safety plan in place"
        AFTERCARE_PLAN = "aftercare_plan", "Aftercare plan drafted"
        ALUMNI = "alumni_network", "Alumni network enrolment offered"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    plan = models.ForeignKey(DischargePlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    required = models.BooleanField(default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="Where the proof is: note, call, document.")
    data = models.JSONField(default=dict, blank=True)
    referral = models.ForeignKey(
        "Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The first aftercare appointment's referral: shown live, so a rebooking shows.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="discharge_item_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class Referral(models.Model):
    """Who was referred where and when, and how far it got."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        BOOKED = "appointment_booked", "First appointment booked"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Missed the appointment"
        DECLINED = "declined", "Declined by provider"
        CANCELLED = "cancelled", "Cancelled"

    ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
        Status.SENT: frozenset({Status.ACCEPTED, Status.BOOKED, Status.DECLINED, Status.CANCELLED}),
        Status.ACCEPTED: frozenset({Status.BOOKED, Status.CANCELLED}),
        Status.BOOKED: frozenset(
            {Status.BOOKED, Status.ATTENDED, Status.NO_SHOW, Status.CANCELLED}
        ),
        Status.NO_SHOW: frozenset({Status.BOOKED, Status.CANCELLED}),
        Status.ATTENDED: frozenset(),
        Status.DECLINED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals")
    provider = models.ForeignKey(
        ExternalProvider, on_delete=models.PROTECT, related_name="referrals"
    )
    plan = models.ForeignKey(
        DischargePlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField()
    appointment_at = models.DateTimeField(null=True, blank=True)
    # How the first appointment happens (set when it is booked).
    appointment_modality = models.CharField(
        max_length=10, choices=Modality.choices, default=Modality.IN_PERSON
    )
    join_url = models.URLField("join link", max_length=JOIN_URL_MAX, blank=True)
    call_details = models.CharField(max_length=CALL_DETAILS_MAX, blank=True)
    attended_on = models.DateField(
        null=True, blank=True, help_text="Day of the first attended appointment (client's zone)."
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["client", "status"], name="referral_client_status"),
            models.Index(fields=["client", "attended_on"], name="referral_client_attended"),
        ]

    def __str__(self) -> str:
        return f"Referral to {self.provider.name} ({self.get_status_display()})"


class ReferralStatusChange(models.Model):
    """History of a referral: one row per move, never edited."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    appointment_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class DischargeSummary(models.Model):
    """The document written at graduation. Its content is a snapshot; once signed it is locked."""

    plan = models.OneToOneField(DischargePlan, on_delete=models.PROTECT, related_name="summary")
    content = models.JSONField(default=dict)
    generated_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signature_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "discharge summaries"

    def __str__(self) -> str:
        return f"Discharge summary for {self.plan.client}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
