from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse, reverse_lazy

from recoverypath.core.navigation import NavItem
from recoverypath.core.pagination import paginate
from recoverypath.core.permissions import can_view_audit, is_staff_member

from .forms import AuditFilterForm, EmailAuthenticationForm
from .selectors import audit_events_for_admin


def nav_items(request) -> list[NavItem]:
    if can_view_audit(request.user):
        return [NavItem("Audit log", reverse("staff:audit_log"), order=90)]
    return []


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


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
