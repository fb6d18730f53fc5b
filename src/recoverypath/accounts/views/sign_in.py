"""Signing in: e-mail and password, the code step, password change and reset, staying signed in."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.ratelimit import RateLimited

from .. import limits, services
from ..forms import (
    EmailAuthenticationForm,
    TwoFactorCodeForm,
)
from ..models import User
from ..selectors import two_factor_device

PENDING_KEY = "rp_pending_two_factor"
PENDING_SECONDS = 300


def rate_limited(request, exc: RateLimited) -> HttpResponse:
    """The HTML answer of a web form over its limit: 429 with Retry-After."""
    response = render(
        request, "429.html", {"minutes": max(1, math.ceil(exc.retry_after / 60))}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


class LoginView(auth_views.LoginView):
    """E-mail and password; then, for an account with an authenticator, the code step."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        try:
            limits.login_attempt(request, email=str(request.POST.get("username", ""))[:254])
        except RateLimited as exc:
            return rate_limited(request, exc)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if two_factor_device(user=user) is None:
            return super().form_valid(form)
        # Not logged in yet: the session only remembers who passed the password step.
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("accounts:login_code")


def _pending_user(request) -> tuple[User | None, dict | None]:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, None
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    user_id = pending.get("user")
    if user_id is None:
        return None, pending
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return user, pending


def login_code(request):
    """The second step: a code from the authenticator app, or a one-time recovery code.

    Serves both a password step just passed (not yet logged in) and a session opened some other
    way whose user has an authenticator (logged in, not yet verified)."""
    pending_user, pending = _pending_user(request)
    if pending_user is not None:
        user = pending_user
    elif request.user.is_authenticated and not request.user.is_verified():
        user = request.user
    else:
        return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            limits.two_factor_attempt(user_id=user.pk)
        except RateLimited as exc:
            request.session.pop(PENDING_KEY, None)
            return rate_limited(request, exc)
        device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is None:
            audit_record(
                actor=None,
                action=Action.LOGIN_FAILED,
                object_type="accounts.user",
                object_id=str(user.pk),
                changes={"attempted_email": user.email, "reason": "two-factor code"},
            )
            form.add_error("code", _("That code does not match. Try the current one."))
        else:
            if pending is not None:
                request.session.pop(PENDING_KEY, None)
                user.otp_device = device  # django-otp marks the new session verified
                login(request, user, backend=pending["backend"])
                return redirect(_safe_next(request, pending.get("next")))
            otp_login(request, device)
            return redirect(_safe_next(request, request.GET.get("next")))
    return render(request, "accounts/login_code.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # The link is built from the configured site URL, never from the request's Host header
        # (which a stranger chooses, and which differs behind a proxy).
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)

    def post(self, request, *args, **kwargs):
        try:
            limits.password_reset_attempt(request, email=str(request.POST.get("email", ""))[:254])
        except RateLimited as exc:
            return rate_limited(request, exc)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in person changes their password. The change revokes every API token and ends
    every other session (receivers); this browser stays signed in under a new session key."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.sign_in_record(request=self.request, user=form.user)
        messages.success(self.request, _("Your password is changed."))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@require_POST
def keep_alive(request):
    """The idle warning's "Stay signed in": any request counts as activity (middleware)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)
