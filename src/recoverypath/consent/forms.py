from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .family import category_choices
from .models import Consent, Purpose, RecipientKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentForm(forms.ModelForm):
    purposes = forms.MultipleChoiceField(
        choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.MultipleChoiceField(
        label=_("What it shares"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    recipient_contact = forms.TypedChoiceField(
        label=_("Recipient from the client's support contacts"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Or name the recipient below."),
    )

    class Meta:
        model = Consent
        fields = [
            "scope",
            "recipient_kind",
            "recipient_contact",
            "recipient_name",
            "categories",
            "information_description",
            "purposes",
            "revocation_right_explained",
            "how_to_revoke",
            "expires_on",
            "expiration_event",
            "signed_by_name",
            "signer_is_patient",
            "signer_authority",
            "signed_on",
            "signature_attested",
            "redisclosure_explained",
            "refusal_consequences_explained",
        ]
        widgets = {
            "expires_on": DATE,
            "signed_on": DATE,
            "information_description": forms.Textarea(attrs={"rows": 2}),
            "how_to_revoke": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "revocation_right_explained": "The form states the right to revoke in writing",
            "signature_attested": "The signer attested that the typed name is their signature",
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices()
        self.contacts = {c.id: c for c in client.support_contacts.all()}
        self.fields["recipient_contact"].choices = [("", "—")] + [
            (c.id, f"{c.name} ({c.relationship or c.get_kind_display()})")
            for c in self.contacts.values()
        ]
        self.fields["recipient_name"].required = False

    def clean(self):
        data = super().clean()
        if not data.get("recipient_contact") and not (data.get("recipient_name") or "").strip():
            self.add_error("recipient_name", _("Name the recipient or choose a support contact."))
        return data

    def _post_clean(self):
        pass  # the service validates the whole consent (it knows the client)


class RevokeForm(forms.Form):
    note = forms.CharField(
        label=_("How the client revoked (e.g. letter dated ...)"), max_length=500
    )


HOW_TO_REVOKE = (
    "Tap Revoke on this consent in RecoveryPath, or write to the program. It stops the next "
    "time anyone opens my record; what was already shared stays shared."
)


class MyConsentForm(forms.Form):
    """The client's own consent, from their phone, for a family member or supporter."""

    recipient_name = forms.CharField(label=_("Who may see it (full name)"), max_length=200)
    relationship = forms.CharField(label=_("Who they are to you"), max_length=60, required=False)
    categories = forms.MultipleChoiceField(
        label=_("What they may see"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.ChoiceField(
        label=_("Why"),
        choices=[
            (Purpose.FAMILY_INVOLVEMENT, "So they can support me in treatment"),
            (Purpose.PATIENT_REQUEST, "Because I ask for it"),
        ],
        initial=Purpose.FAMILY_INVOLVEMENT,
    )
    expires_on = forms.DateField(
        label=_("Until (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expiration_event = forms.CharField(
        label=_("or until (event)"),
        max_length=300,
        required=False,
        help_text=_("For example: when I finish aftercare."),
    )
    revocation_right_explained = forms.BooleanField(
        label=_(
            "I understand I can revoke this at any time with one tap (it stops from the next "
            "time they open RecoveryPath)"
        ),
        required=False,
    )
    signed_by_name = forms.CharField(label=_("Sign by typing your full name"), max_length=200)
    signature_attested = forms.BooleanField(
        label=_("I attest that the name I typed is my signature and that I read this consent"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices()

    def service_data(self, client) -> dict:
        """The consent the client signed, in the service's terms."""
        from .models import Category

        data = self.cleaned_data
        labels = dict(Category.choices)
        name = data["recipient_name"].strip()
        if data.get("relationship"):
            name = f"{name} ({data['relationship'].strip()})"
        return {
            "recipient_name": name,
            "recipient_kind": RecipientKind.FAMILY,
            "categories": list(data["categories"]),
            "information_description": "; ".join(str(labels[c]) for c in data["categories"]),
            "purposes": [data["purpose"]],
            "expires_on": data.get("expires_on"),
            "expiration_event": data.get("expiration_event") or "",
            "revocation_right_explained": bool(data.get("revocation_right_explained")),
            "how_to_revoke": HOW_TO_REVOKE,
            "signed_by_name": data["signed_by_name"],
            "signature_attested": bool(data.get("signature_attested")),
        }


class FamilyInviteForm(forms.Form):
    email = forms.EmailField(label=_("Their e-mail"), required=False)
    phone = forms.CharField(label=_("or their mobile number"), max_length=32, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("email") and not (data.get("phone") or "").strip():
            raise forms.ValidationError(_("Give their e-mail address or mobile number."))
        return data


class FamilyMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the care team"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
