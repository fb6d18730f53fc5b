from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from recoverypath.core.models import AuditEvent


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": "That e-mail and password do not match an account. Check both and try "
        "again; after several failures the account is locked for a while.",
        "inactive": "This account is inactive.",
    }


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditEvent.Action.choices]
    )
    actor = forms.CharField(required=False, max_length=254, label="Staff e-mail")
    client = forms.IntegerField(required=False, min_value=1, label="Client id")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
