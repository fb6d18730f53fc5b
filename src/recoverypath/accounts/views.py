from __future__ import annotations

import base64
import math
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.pagination import paginate
from recoverypath.core.params import MAX_ID
from recoverypath.core.permissions import (
    Rank,
    can_administer_program,
    can_view_audit,
    is_staff_member,
    staff_program_ids,
)
from recoverypath.core.ratelimit import RateLimited

from . import invitations, limits, services
from .forms import (
    ApiTokenForm,
    AuditFilterForm,
    EmailAuthenticationForm,
    ProgramSignInForm,
    RoleForm,
    StaffInviteForm,
    TwoFactorCodeForm,
    TwoFactorConfirmForm,
)
from .middleware import remember_policy, session_policy
from .models import Invitation, Membership, Program, User
from .selectors import (
    api_tokens_for_user,
    audit_events_for_admin,
    program_list_for_user,
    program_members,
    recovery_codes_left,
    signed_in_sessions_for_user,
    two_factor_device,
    two_factor_pending_device,
    two_factor_staff_for_admin,
)
from .services.programs import SIGN_IN_FIELDS

PENDING_KEY = "rp_pending_two_factor"
PENDING_SECONDS = 300


def nav_items(request) -> list[NavItem]:
    items = []
    if can_view_audit(request.user):
        items.append(NavItem("Audit log", reverse("staff:audit_log"), order=90))
        items.append(NavItem("Staff", reverse("staff:programs"), order=85))
    return items


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
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
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
            form.add_error("code", "That code does not match. Try the current one.")
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
        messages.success(self.request, "Your password is changed.")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def audit_log(request):
    """Program admins browse (never change) the audit trail of their organizations."""
    if not is_staff_member(request.user):
        raise Http404  # the staff area does not exist for clients
    if not can_view_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_for_admin(
        user=request.user,
        action=filters.get("action") or "",
        actor_email=filters.get("actor") or "",
        client_id=filters.get("client"),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": paginate(request, events, per_page=50)},
    )


# --- Two-factor enrolment ------------------------------------------------------------------------


def _qr_data_uri(device) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _manual_key(device) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _enrol_page(request, device, form):
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "device": device,
            "qr": _qr_data_uri(device),
            "manual_key": _manual_key(device),
            "form": form,
        },
    )


@login_required
def two_factor(request):
    """Set up an authenticator (staff must, clients may), see recovery codes left, replace them."""
    user = request.user
    device = two_factor_device(user=user)
    policy = session_policy(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start" and device is None:
            try:
                pending = services.two_factor_start(user=user)
            except services.two_factor.TwoFactorRefused as exc:
                messages.error(request, exc.message)
                return redirect("accounts:two_factor")
            return _enrol_page(
                request, pending, TwoFactorConfirmForm(initial={"device": pending.id})
            )
        if action == "confirm" and device is None:
            form = TwoFactorConfirmForm(request.POST)
            if form.is_valid():
                try:
                    enrolment = services.two_factor_confirm(
                        user=user,
                        device_id=form.cleaned_data["device"],
                        code=form.cleaned_data["code"],
                    )
                except services.two_factor.TwoFactorRefused as exc:
                    add_service_errors(form, exc)
                else:
                    otp_login(request, enrolment.device)
                    remember_policy(request, user)
                    return render(
                        request,
                        "accounts/recovery_codes.html",
                        {"codes": enrolment.recovery_codes, "new_enrolment": True},
                    )
            pending = two_factor_pending_device(user=user, device_id=form.data.get("device"))
            if pending is None:
                messages.error(request, "This set-up has expired: start again.")
                return redirect("accounts:two_factor")
            return _enrol_page(request, pending, form)
        if action == "recovery_codes" and device is not None:
            codes = services.recovery_codes_regenerate(user=user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        if action == "remove" and device is not None:
            try:
                services.two_factor_remove(user=user)
            except services.two_factor.TwoFactorRefused as exc:
                messages.error(request, exc.message)
            else:
                remember_policy(request, user)
                messages.success(request, "Two-factor sign-in is off for your account.")
            return redirect("accounts:two_factor")
        return redirect("accounts:two_factor")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": device,
            "codes_left": recovery_codes_left(user=user) if device else 0,
            "policy": policy,
        },
    )


# --- Signed-in devices and API tokens ------------------------------------------------------------


@login_required
def security(request):
    """The signed-in browsers and the API tokens of the person, with ways to end them."""
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = services.api_token_issue(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(
        request,
        "accounts/security.html",
        {
            "sessions": signed_in_sessions_for_user(user=request.user)[:50],
            "current_key": request.session.session_key,
            "tokens": paginate(request, api_tokens_for_user(user=request.user), per_page=25),
            "form": form,
            "issued": issued,
            "can_reset_staff": can_view_audit(request.user),
            "token_days": settings.API_TOKEN_DAYS,
        },
    )


@login_required
@require_POST
def session_end(request, session_id: int):
    if session_id > MAX_ID:
        raise Http404
    current = signed_in_sessions_for_user(user=request.user).filter(
        id=session_id, session_key=request.session.session_key
    )
    if current.exists():
        logout(request)
        return redirect("accounts:login")
    try:
        services.signed_in_session_revoke(actor=request.user, session_id=session_id)
    except services.sessions.SessionNotFound as exc:
        raise Http404 from exc
    messages.success(request, "That session is signed out.")
    return redirect("accounts:security")


@login_required
@require_POST
def sign_out_everywhere(request):
    services.sign_out_everywhere(actor=request.user)
    logout(request)  # this session went too: start a fresh one for the message
    messages.success(request, "You are signed out everywhere, and your API tokens are revoked.")
    return redirect("accounts:login")


@login_required
@require_POST
def token_revoke(request, token_id: int):
    if token_id > MAX_ID:
        raise Http404
    try:
        token = services.api_token_revoke(actor=request.user, token_id=token_id)
    except services.tokens.TokenNotFound as exc:
        raise Http404 from exc
    messages.success(request, f"The token \u201c{token.name}\u201d is revoked.")
    return redirect("accounts:security")


@require_POST
def keep_alive(request):
    """The idle warning's "Stay signed in": any request counts as activity (middleware)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)


# --- Program admins: reset a colleague's lost authenticator --------------------------------------


@login_required
def staff_two_factor(request):
    if not is_staff_member(request.user):
        raise Http404
    if not can_view_audit(request.user):
        raise PermissionDenied
    page = paginate(request, two_factor_staff_for_admin(user=request.user), per_page=50)
    programs = [
        (program, ProgramSignInForm(initial={f: getattr(program, f) for f in SIGN_IN_FIELDS}))
        for program in program_list_for_user(user=request.user, min_rank=Rank.ADMIN)
    ]
    return render(request, "accounts/staff_two_factor.html", {"page": page, "programs": programs})


@login_required
@require_POST
def program_sign_in(request, program_id: int):
    """A program admin sets the program's two-factor grace period and idle sign-out."""
    if program_id > MAX_ID:
        raise Http404
    form = ProgramSignInForm(request.POST)
    if form.is_valid():
        try:
            program = services.program_sign_in_update(
                actor=request.user, program_id=program_id, **form.cleaned_data
            )
        except services.programs.ProgramNotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Sign-in settings of {program} saved.")
            return redirect("staff:two_factor")
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, f"Not saved: {errors}")
    return redirect("staff:two_factor")


@login_required
@require_POST
def staff_two_factor_reset(request, user_id: int):
    if user_id > MAX_ID:
        raise Http404
    target = get_object_or_404(User, pk=user_id)
    try:
        services.two_factor_reset(actor=request.user, target=target)
    except services.two_factor.StaffNotFound as exc:
        raise Http404 from exc
    messages.success(
        request,
        f"Two-factor sign-in of {target} is reset: they set it up again at their next sign-in.",
    )
    return redirect("staff:two_factor")


# --- Staff of a program, for its program admins ------------------------------------------------


def _admin_program(request, program_id: int) -> Program:
    if not is_staff_member(request.user):
        raise Http404
    program = Program.objects.filter(pk=program_id).select_related("organization").first()
    if program is None or not can_administer_program(request.user, program.id):
        raise Http404
    return program


@login_required
def program_list(request):
    if not is_staff_member(request.user):
        raise Http404
    ids = staff_program_ids(request.user, min_rank=Rank.ADMIN)
    if not ids:
        raise PermissionDenied
    if len(ids) == 1:
        return redirect("staff:program_staff", program_id=next(iter(ids)))
    programs = Program.objects.filter(id__in=ids).order_by("name")
    return render(request, "accounts/program_list.html", {"programs": programs})


@login_required
def program_staff(request, program_id: int):
    """Program admins see the staff and the staff invitations, invite, change roles, remove."""
    program = _admin_program(request, program_id)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_invite(actor=request.user, program=program, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("staff:program_staff", program_id=program.id)
    return render(
        request,
        "accounts/program_staff.html",
        {
            "program": program,
            "form": form,
            "members": program_members(program_id=program.id),
            "invitations": invitations.invitations_for_subject(
                subject_type="accounts.program", subject_id=program.id
            ),
            "role_form": RoleForm(),
        },
    )


def _membership(request, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("program", "user").filter(pk=membership_id).first()
    )
    if membership is None:
        raise Http404
    _admin_program(request, membership.program_id)
    return membership


@require_POST
@login_required
def membership_role(request, membership_id: int):
    membership = _membership(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
    else:
        try:
            services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
    return redirect("staff:program_staff", program_id=membership.program_id)


@require_POST
@login_required
def membership_remove(request, membership_id: int):
    membership = _membership(request, membership_id)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{membership.user} was removed from {membership.program}.")
    return redirect("staff:program_staff", program_id=membership.program_id)


@require_POST
@login_required
def invitation_revoke(request, invitation_id: int):
    """Revoke a waiting invitation (any kind) that the user may manage; back to where it was."""
    if not request.user.is_authenticated:
        raise Http404
    invitation = invitations.invitation_get_for_manager(
        user=request.user, invitation_id=invitation_id
    )
    try:
        invitations.invitation_revoke(actor=request.user, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Invitation revoked: the link no longer works.")
    back = request.POST.get("next") or ""
    if invitation.kind == Invitation.Kind.STAFF:
        return redirect("staff:program_staff", program_id=invitation.program_id)
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("home")
