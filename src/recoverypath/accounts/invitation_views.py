"""The invitation link: one page that sets a password and lands the person where they belong.

Kept apart from the other account views (and mounted under its own /invite/ prefix) so request
limits on sign-in endpoints can wrap it without touching what it does.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from recoverypath.core import ratelimit
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.net import client_address

from .invitations import existing_user, invitation_accept, invitation_for_token, invitation_kind
from .models import Invitation
from .views import rate_limited

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AcceptForm(forms.Form):
    email = forms.EmailField(label="E-mail (you log in with it)", required=False)
    first_name = forms.CharField(label="Your first name", max_length=100, required=False)
    date_of_birth = forms.DateField(label="Your date of birth", widget=DATE, required=False)
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, invitation: Invitation, has_login: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_login = has_login
        extra = invitation_kind(invitation.kind).extra_fields
        if "date_of_birth" not in extra:
            del self.fields["date_of_birth"]
        else:
            self.fields["date_of_birth"].required = True
        if invitation.email:
            del self.fields["email"]
        else:
            self.fields["email"].required = True
        if invitation.kind == Invitation.Kind.CLIENT or has_login:
            del self.fields["first_name"]
        if has_login:
            del self.fields["password2"]
            self.fields["password"].label = "Your RecoveryPath password"
            self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self):
        data = super().clean()
        if (
            not self.has_login
            and data.get("password")
            and data.get("password") != data.get("password2")
        ):
            self.add_error("password2", _("The two passwords differ."))
        return data


@never_cache
@sensitive_post_parameters("password", "password2")
def invitation_accept_view(request, token: str):
    # Every look at a link counts against the caller's address (the first untrusted hop, so a
    # forged X-Forwarded-For changes nothing): guessing secret links, or passwords, is slowed.
    try:
        ratelimit.hit("invitation_accept_address", client_address(request))
    except ratelimit.RateLimited as exc:
        return rate_limited(request, exc)
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitations/unusable.html", status=404)
    has_login = bool(invitation.email) and existing_user(invitation.email) is not None
    form = AcceptForm(request.POST or None, invitation=invitation, has_login=has_login)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitation_accept(
                token=token,
                email=data.get("email") or "",
                password=data["password"],
                first_name=data.get("first_name") or "",
                extra={"date_of_birth": data.get("date_of_birth")},
            )
        except DomainError as exc:
            if exc.code == "invitation_unusable":
                return render(request, "accounts/invitations/unusable.html", status=404)
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(invitation_kind(invitation.kind).landing(user))
    return render(
        request,
        "accounts/invitations/accept.html",
        {"form": form, "invitation": invitation, "has_login": has_login},
    )
