from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from recoverypath.core.audit import Action


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": "That e-mail and password do not match an account. Check both and try "
        "again; after several failures the account is locked for a while.",
        "inactive": "This account is inactive.",
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").lower()
        password = self.cleaned_data.get("password")
        if email and password:
            # Pass the credential as "email" (the USERNAME_FIELD): django-axes counts failures per
            # account only under that name, and lower case makes "A@x" and "a@x" one account.
            self.user_cache = authenticate(self.request, email=email, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    actor = forms.CharField(required=False, max_length=254, label=_("Staff e-mail"))
    client = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, label=_("Client id")
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class TwoFactorConfirmForm(forms.Form):
    device = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        help_text=_("The 6-digit code your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where you will use it, e.g. “reporting script”."),
    )


class ProgramSignInForm(forms.Form):
    two_factor_grace_days = forms.IntegerField(
        label=_("Two-factor grace period (days)"),
        min_value=0,
        max_value=90,
        help_text=_("Days a new staff member may sign in with a password alone (0: at once)."),
    )
    idle_timeout_minutes = forms.IntegerField(
        label=_("Idle sign-out (minutes)"),
        min_value=2,
        max_value=480,
        help_text=_("Staff sessions end after this long without activity."),
    )


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[])

    def __init__(self, *args, **kwargs):
        from .models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[])

    def __init__(self, *args, **kwargs):
        from .models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices
