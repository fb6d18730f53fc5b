from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.clients import (
    client_panels_html,
    home_destination_for,
    home_sections_html,
)
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.pagination import paginate

from . import invitations, selectors, services
from .forms import CaseloadFilterForm, ClientForm, ClientInviteForm, SupportContactForm
from .models import SupportContact
from .pwa import offline_page


def nav_items(request) -> list[NavItem]:
    user = request.user
    if permissions.is_staff_member(user):
        return [NavItem(_("Caseload"), reverse("clients:caseload"), order=10)]
    if selectors.client_for_user_account(user=user) is not None:
        return [NavItem(_("Home"), reverse("clients:me"), order=10)]
    return []


def staff_required(view):
    """Staff pages: a logged-in user with at least one program membership. For anyone else
    (a client, a family member) the staff area does not exist: 404, never a hint of what is there.
    """

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.is_staff_member(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@login_required
def home(request):
    if permissions.is_staff_member(request.user):
        return redirect("clients:caseload")
    if selectors.client_for_user_account(user=request.user) is not None:
        return redirect("clients:me")
    if url := home_destination_for(request.user):
        return redirect(url)
    return render(request, "clients/no_access.html", status=403)


@staff_required
def caseload(request):
    form = CaseloadFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    clients = selectors.client_list(
        user=request.user,
        search=filters.get("q") or "",
        program_id=filters.get("program"),
        clinician_id=filters.get("clinician"),
        sort=filters.get("sort") or "name",
    )
    page = paginate(request, clients)
    audit_record_list(actor=request.user, objects=page.object_list, client_id_attr="id")
    template = "clients/_caseload_table.html" if request.htmx else "clients/caseload.html"
    return render(request, template, {"form": form, "page": page})


@staff_required
def client_detail(request, client_id: int):
    client = selectors.client_get(user=request.user, client_id=client_id)
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "contacts": selectors.support_contact_list(client=client),
            "can_edit": permissions.can_edit_client(request.user, client),
            "can_deactivate": permissions.can_administer_program(request.user, client.program_id),
            "invite_form": ClientInviteForm(
                initial={"email": client.email, "phone": client.phone}, auto_id="id_login_%s"
            ),
            "invitations": invitations.client_invitations(user=request.user, client=client),
            "panels": client_panels_html(request, client),
        },
    )


@require_POST
@staff_required
def client_invite(request, client_id: int):
    client = selectors.client_get(user=request.user, client_id=client_id)
    form = ClientInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give an e-mail address or a mobile number to invite."))
        return redirect("clients:detail", client_id=client.id)
    try:
        invitation = invitations.client_invite(
            actor=request.user, client=client, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Invitation sent to %(address)s.") % {"address": invitation.address}
        )
    return redirect("clients:detail", client_id=client.id)


@require_POST
@staff_required
def client_login_reactivate(request, client_id: int):
    client = selectors.client_get(user=request.user, client_id=client_id)
    try:
        invitations.client_login_reactivate(actor=request.user, client=client)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The client's login is switched on again."))
    return redirect("clients:detail", client_id=client.id)


@require_POST
@staff_required
def client_login_deactivate(request, client_id: int):
    client = selectors.client_get(user=request.user, client_id=client_id)
    try:
        invitations.client_login_deactivate(actor=request.user, client=client)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The client's login is switched off."))
    return redirect("clients:detail", client_id=client.id)


@staff_required
def client_create(request):
    form = ClientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        program = data.pop("program")
        try:
            client = services.client_create(actor=request.user, program=program, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:  # e.g. front desk choosing the care team
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(display_name)s was registered.") % {"display_name": client.display_name},
            )
            return redirect("clients:detail", client_id=client.id)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@staff_required
def client_edit(request, client_id: int):
    client = selectors.client_get(user=request.user, client_id=client_id)
    if not permissions.can_edit_client(request.user, client):
        raise PermissionDenied
    form = ClientForm(request.POST or None, instance=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.client_update(actor=request.user, client=client, **changed)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:  # e.g. front desk choosing the care team
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("clients:detail", client_id=client.id)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@login_required
def contact_create(request, client_id: int):
    client = _client_for_contacts(request, client_id)
    form = SupportContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_contact_create(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect(_after_contact(request, client))
    return render(
        request, "clients/contact_form.html", {"form": form, "client": client, "contact": None}
    )


@login_required
def contact_edit(request, client_id: int, contact_id: int):
    client = _client_for_contacts(request, client_id)
    contact = get_object_or_404(SupportContact, pk=contact_id, client=client)
    form = SupportContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.support_contact_update(actor=request.user, contact=contact, **changed)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(_after_contact(request, client))
    return render(
        request, "clients/contact_form.html", {"form": form, "client": client, "contact": contact}
    )


@require_POST
@login_required
def contact_delete(request, client_id: int, contact_id: int):
    client = _client_for_contacts(request, client_id)
    contact = get_object_or_404(SupportContact, pk=contact_id, client=client)
    services.support_contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect(_after_contact(request, client))


def _client_for_contacts(request, client_id: int):
    client = selectors.client_get(user=request.user, client_id=client_id)
    if not permissions.can_manage_support_contacts(request.user, client):
        raise PermissionDenied
    return client


def _after_contact(request, client) -> str:
    if permissions.is_client_user(request.user, client):
        return reverse("clients:me")
    return reverse("clients:detail", kwargs={"client_id": client.id})


@login_required
@offline_page(warm=True)
def me(request):
    client = selectors.own_client_get(user=request.user)
    sections = home_sections_html(request, client)
    return render(
        request,
        "clients/me.html",
        {
            "client": client,
            "contacts": selectors.support_contact_list(client=client),
            "sobriety_days": client.sobriety_days(),
            "sections": sections,
        },
    )


def next_appointment_section(request, client) -> str:
    """The client's next appointment at the top of their home, with "Join" while it is open."""
    if not permissions.is_client_user(request.user, client):
        return ""
    item = selectors.next_appointment_for_home(client=client)
    if item is None:
        return ""
    return render_to_string(
        "clients/_next_appointment.html",
        {"item": item, "zone": ZoneInfo(client.time_zone)},
        request=request,
    )
