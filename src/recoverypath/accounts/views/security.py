"""A person's signed-in browsers and API tokens, with ways to end them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.core.pagination import paginate
from recoverypath.core.params import MAX_ID
from recoverypath.core.permissions import can_view_audit

from .. import services
from ..forms import ApiTokenForm
from ..selectors import (
    api_tokens_for_user,
    signed_in_sessions_for_user,
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
    messages.success(request, _("That session is signed out."))
    return redirect("accounts:security")


@login_required
@require_POST
def sign_out_everywhere(request):
    services.sign_out_everywhere(actor=request.user)
    logout(request)  # this session went too: start a fresh one for the message
    messages.success(request, _("You are signed out everywhere, and your API tokens are revoked."))
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
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:security")
