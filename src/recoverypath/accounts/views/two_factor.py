"""Two-factor sign-in: a person sets up their authenticator; program admins reset a colleague's
lost one and set their program's sign-in rules."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.pagination import paginate
from recoverypath.core.params import MAX_ID
from recoverypath.core.permissions import (
    Rank,
    can_view_audit,
    is_staff_member,
)

from .. import services
from ..forms import (
    ProgramSignInForm,
    TwoFactorConfirmForm,
)
from ..middleware import remember_policy, session_policy
from ..models import User
from ..selectors import (
    program_list_for_user,
    recovery_codes_left,
    two_factor_device,
    two_factor_pending_device,
    two_factor_staff_for_admin,
)
from ..services.programs import SIGN_IN_FIELDS

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
                messages.error(request, _("This set-up has expired: start again."))
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
                messages.success(request, _("Two-factor sign-in is off for your account."))
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
            messages.success(
                request, _("Sign-in settings of %(program)s saved.") % {"program": program}
            )
            return redirect("staff:two_factor")
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, _("Not saved: %(errors)s") % {"errors": errors})
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
