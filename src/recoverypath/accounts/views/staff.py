"""The staff area of program admins: the audit log, the staff of a program, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.pagination import paginate
from recoverypath.core.permissions import (
    Rank,
    can_administer_program,
    can_view_audit,
    is_staff_member,
    staff_program_ids,
)

from .. import invitations, services
from ..forms import (
    AuditFilterForm,
    RoleForm,
    StaffInviteForm,
)
from ..models import Invitation, Membership, Program
from ..selectors import (
    audit_events_for_admin,
    program_members,
)


def nav_items(request) -> list[NavItem]:
    items = []
    if can_view_audit(request.user):
        items.append(NavItem(_("Audit log"), reverse("staff:audit_log"), order=90))
        items.append(NavItem(_("Staff"), reverse("staff:programs"), order=85))
    return items


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
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
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
        messages.error(request, _("Choose a role."))
    else:
        try:
            services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(user)s is now %(get_role_display)s.")
                % {"user": membership.user, "get_role_display": membership.get_role_display()},
            )
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
        messages.success(
            request,
            _("%(user)s was removed from %(program)s.")
            % {"user": membership.user, "program": membership.program},
        )
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
        messages.success(request, _("Invitation revoked: the link no longer works."))
    back = request.POST.get("next") or ""
    if invitation.kind == Invitation.Kind.STAFF:
        return redirect("staff:program_staff", program_id=invitation.program_id)
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("home")
