from __future__ import annotations

from django import forms

from .models import Consent, Purpose

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentForm(forms.ModelForm):
    purposes = forms.MultipleChoiceField(
        choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
    recipient_contact = forms.TypedChoiceField(
        label="Recipient from the client's support contacts",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Or name the recipient below.",
    )

    class Meta:
        model = Consent
        fields = [
            "scope",
            "recipient_contact",
            "recipient_name",
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
            "redisclosure_explained",
            "refusal_consequences_explained",
        ]
        widgets = {
            "expires_on": DATE,
            "signed_on": DATE,
            "information_description": forms.Textarea(attrs={"rows": 2}),
            "how_to_revoke": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"revocation_right_explained": "The form states the right to revoke in writing"}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts = {c.id: c for c in client.support_contacts.all()}
        self.fields["recipient_contact"].choices = [("", "—")] + [
            (c.id, f"{c.name} ({c.relationship or c.get_kind_display()})")
            for c in self.contacts.values()
        ]
        self.fields["recipient_name"].required = False

    def clean(self):
        data = super().clean()
        if not data.get("recipient_contact") and not (data.get("recipient_name") or "").strip():
            self.add_error("recipient_name", "Name the recipient or choose a support contact.")
        return data

    def _post_clean(self):
        pass  # the service validates the whole consent (it knows the client)


class RevokeForm(forms.Form):
    note = forms.CharField(label="How the client revoked (e.g. letter dated ...)", max_length=500)
