"""42 CFR Part 2 consents and the log of disclosures made under them.

A consent names its recipient either by a record (recipient_type + recipient_id, e.g. an external
provider or a support contact) or by name. `consent` comes early in the app order, so it never
imports the apps whose records it names: they are identified by their model label and id.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from recoverypath.accounts.models import Organization
from recoverypath.clients.models import Client


class Purpose(models.TextChoices):
    TREATMENT = "treatment", _("Treatment")
    PAYMENT = "payment", _("Payment")
    HEALTH_CARE_OPERATIONS = "health_care_operations", _("Health care operations")
    CARE_COORDINATION = "care_coordination", _("Care coordination after discharge")
    FAMILY_INVOLVEMENT = "family_involvement", _("Family involvement in treatment")
    PATIENT_REQUEST = "patient_request", _("At the request of the patient")


class Category(models.TextChoices):
    """What of the record a consent may share. Session notes are never among them: SUD
    counseling notes need their own separate consent, which RecoveryPath does not take."""

    ATTENDANCE = "attendance", _("Attendance")
    SCHEDULE = "schedule", _("Appointments and schedule")
    CHECK_INS = "check_ins", _("Check-in summary")
    SOBRIETY = "sobriety", _("Sobriety days and milestones")
    TEST_RESULTS = "test_results", _("Drug and breath test results")
    ASSESSMENT_SCORES = "assessment_scores", _("Assessment scores")
    DISCHARGE_SUMMARY = "discharge_summary", _("Discharge summary")
    AFTERCARE_PLAN = "aftercare_plan", _("Aftercare plan")


NEVER_SHARED = frozenset({"session_notes", "notes", "counseling_notes"})


class RecipientKind(models.TextChoices):
    FAMILY = "family", _("A family member or supporter")
    PROVIDER = "provider", _("An external provider")


TPO_PURPOSES = frozenset({Purpose.TREATMENT, Purpose.PAYMENT, Purpose.HEALTH_CARE_OPERATIONS})
TPO_RECIPIENTS = (
    "my treating providers, health plans, third-party payers, and people helping to operate "
    "this program"
)


class Consent(models.Model):
    """One written Part 2 consent, with the ten required elements of 42 CFR 2.31."""

    class Scope(models.TextChoices):
        SPECIFIC = "specific", _("Named recipient")
        TPO = "tpo", _("All future treatment, payment and health care operations")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
        Status.ACTIVE: frozenset({Status.EXPIRED, Status.REVOKED}),
        Status.EXPIRED: frozenset(),
        Status.REVOKED: frozenset(),
    }

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    # 1 the patient's name, as written on the signed form
    patient_name = models.CharField(max_length=200)
    # 2 who is authorized to make the disclosure
    disclosing_party = models.CharField(max_length=200)
    # 3 a specific and meaningful description of the information
    information_description = models.TextField()
    categories = models.JSONField(
        default=list, blank=True, help_text="The categories of the record the consent covers."
    )
    # 4 the recipients
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.SPECIFIC)
    recipient_kind = models.CharField(
        max_length=10, choices=RecipientKind.choices, default=RecipientKind.PROVIDER
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_received",
        help_text="The family member's login, once they accepted their invitation.",
    )
    recipient_name = models.CharField(max_length=300)
    recipient_type = models.CharField(
        max_length=60, blank=True, help_text="Model label of the named recipient record, if any."
    )
    recipient_id = models.CharField(max_length=64, blank=True)
    # 5 each purpose
    purposes = models.JSONField(default=list)
    # 6 the right to revoke in writing, and how
    revocation_right_explained = models.BooleanField(default=False)
    how_to_revoke = models.TextField(blank=True)
    # 7 an expiration date or event
    expires_on = models.DateField(null=True, blank=True)
    expiration_event = models.CharField(max_length=300, blank=True)
    # 8 the signature of the patient or authorized person, 9 the date signed
    signed_by_name = models.CharField(max_length=200)
    signer_is_patient = models.BooleanField(default=True)
    signer_authority = models.CharField(
        max_length=200, blank=True, help_text="When someone other than the patient signs."
    )
    signed_on = models.DateField()
    signature_attested = models.BooleanField(
        default=False,
        help_text="The signer attested that the typed name is their signature and that they "
        "read the consent.",
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # 10 for a TPO consent: redisclosure under HIPAA and the consequences of refusing were explained
    redisclosure_explained = models.BooleanField(default=False)
    refusal_consequences_explained = models.BooleanField(default=False)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_note = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["client", "status"], name="consent_client_status")]

    def __str__(self) -> str:
        return f"Part 2 consent for {self.recipient_name} ({self.get_status_display()})"

    def missing_elements(self) -> dict[str, str]:
        """{field: message} for each element of 42 CFR 2.31 that is missing, each message naming
        the element, so a refused consent says exactly what to add."""
        missing: dict[str, str] = {}
        if not (self.patient_name or "").strip():
            missing["patient_name"] = "Missing required element: the patient's name."
        if not (self.disclosing_party or "").strip():
            missing["disclosing_party"] = (
                "Missing required element: who is authorized to make the disclosure."
            )
        if not self.categories:
            missing["categories"] = (
                "Missing required element: the information to share (choose at least one category)."
            )
        if not (self.information_description or "").strip():
            missing["information_description"] = (
                "Missing required element: a description of the information to share."
            )
        if not (self.recipient_name or "").strip():
            missing["recipient_name"] = "Missing required element: the recipient."
        if not self.purposes:
            missing["purposes"] = "Missing required element: the purpose (name at least one)."
        if not self.revocation_right_explained or not (self.how_to_revoke or "").strip():
            missing["how_to_revoke"] = (
                "Missing required element: the right to revoke in writing and how to revoke."
            )
        if self.expires_on is None and not (self.expiration_event or "").strip():
            missing["expires_on"] = (
                "Missing required element: an expiration date or an expiration event."
            )
        if not (self.signed_by_name or "").strip():
            missing["signed_by_name"] = (
                "Missing required element: the signature (the signer's typed full name)."
            )
        if not self.signature_attested:
            missing["signature_attested"] = (
                "Missing required element: the signer's attestation that the typed name is "
                "their signature."
            )
        if self.signed_on is None:
            missing["signed_on"] = "Missing required element: the date signed."
        return missing

    def clean(self) -> None:
        errors: dict[str, str] = dict(self.missing_elements())
        if not isinstance(self.categories, list):
            errors["categories"] = "Categories must be a list."
        else:
            never = NEVER_SHARED & set(self.categories)
            unknown = set(self.categories) - set(Category.values) - never
            if never:
                errors["categories"] = (
                    "Session notes are never shared here: SUD counseling notes need their own "
                    "separate consent."
                )
            elif unknown:
                errors["categories"] = f"Unknown category: {', '.join(sorted(unknown))}."
        if not self.purposes:
            errors.setdefault("purposes", "Name at least one purpose.")
        else:
            unknown = set(self.purposes) - set(Purpose.values)
            if unknown:
                errors["purposes"] = f"Unknown purpose: {', '.join(sorted(unknown))}."
        if self.expires_on and self.signed_on and self.expires_on < self.signed_on:
            errors["expires_on"] = "The consent cannot expire before it was signed."
        if not self.signer_is_patient and not self.signer_authority.strip():
            errors["signer_authority"] = "Say on what authority someone else signed."
        if self.scope == self.Scope.TPO and not (
            self.redisclosure_explained and self.refusal_consequences_explained
        ):
            errors["redisclosure_explained"] = (
                "A treatment-payment-operations consent must state that recipients may "
                "redisclose under HIPAA and the consequences of refusing to sign."
            )
        if self.scope == self.Scope.SPECIFIC and bool(self.recipient_type) != bool(
            self.recipient_id
        ):
            errors["recipient_id"] = "A named recipient record needs both its type and id."
        if errors:
            raise ValidationError(errors)

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class Disclosure(models.Model):
    """One disclosure of Part 2 records, for the patient's accounting of disclosures."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="disclosures")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="disclosures")
    recipient_name = models.CharField(max_length=300)
    recipient_type = models.CharField(max_length=60, blank=True)
    recipient_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    category = models.CharField(max_length=30, choices=Category.choices, blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=300)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    notice_version = models.CharField(max_length=20)
    notice = models.TextField()
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    disclosed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        indexes = [models.Index(fields=["client", "-disclosed_at"], name="disclosure_client_time")]

    def __str__(self) -> str:
        return f"Disclosure to {self.recipient_name} ({self.disclosed_at:%Y-%m-%d})"


class FamilyMessage(models.Model):
    """A message from a family member to the client's care team (it discloses nothing)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="family_messages")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=2000)
    sent_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["client", "handled_at"], name="familymsg_client_open")]

    def __str__(self) -> str:
        return f"Message from {self.sender} about client {self.client_id}"
