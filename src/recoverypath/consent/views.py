"""Part 2 consent pages: a client's consents on their page, recording one, revoking one."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recoverypath.clients.selectors import client_get, own_client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors
from recoverypath.core.hooks.todo import TodoItem
from recoverypath.core.pagination import paginate
from recoverypath.core.timezones import local_today

from . import selectors, services
from .forms import ConsentForm, FamilyInviteForm, MyConsentForm, RevokeForm
from .models import Consent, FamilyMessage

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def client_panel(request, client) -> str:
    if not permissions.can_coordinate(request.user, client):
        return ""
    consents = _with_invite_forms(list(selectors.consent_list(client=client)))
    return render_to_string(
        "consent/_client_panel.html",
        {
            "client": client,
            "consents": consents,
            "family_messages": selectors.family_messages_open(client=client),
        },
        request=request,
    )


def _with_invite_forms(consents: list[Consent]) -> list[Consent]:
    """Each family consent gets its own invitation form (ids unique on the page)."""
    for consent in consents:
        # The template reads the form hung on each row.
        consent.invite_form = FamilyInviteForm(  # type: ignore[attr-defined]
            auto_id=f"id_family{consent.id}_%s"
        )
    return consents


def todo_items(user: User) -> list[TodoItem]:
    """Consents ending within 14 days and unhandled family messages, for the client's
    coordinator (two queries)."""
    if not permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR):
        return []
    today = timezone.localdate()
    items = [
        TodoItem(
            label=f"Consent for {c.recipient_name} ends {c.expires_on:%b %-d}",
            url=reverse("clients:detail", kwargs={"client_id": c.client_id}),
            kind="consent.expiring",
            priority="normal",
            due=(
                timezone.make_aware(datetime.combine(c.expires_on, time.min))
                if c.expires_on
                else None
            ),
            client_name=c.client.display_name,
        )
        for c in selectors.consents_expiring(user=user, today=today)
    ]
    items += [
        TodoItem(
            label=f"Message from {m.sender.get_full_name() or m.sender.email} (family)",
            url=reverse("clients:detail", kwargs={"client_id": m.client_id}),
            kind="consent.family_message",
            priority="high",
            due=m.sent_at,
            client_name=m.client.display_name,
        )
        for m in selectors.family_messages_unhandled_for(user=user)
    ]
    return items


def home_section(request, client) -> str:
    return render_to_string("consent/_home_section.html", {"client": client}, request=request)


@staff_required
def consent_create(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if not permissions.can_coordinate(request.user, client):
        raise PermissionDenied
    form = ConsentForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        contact = form.contacts.get(data.pop("recipient_contact") or 0)
        try:
            services.consent_create(actor=request.user, client=client, recipient=contact, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("clients:detail", client_id=client.id)
    return render(request, "consent/consent_form.html", {"form": form, "client": client})


@require_POST
@staff_required
def consent_revoke(request, consent_id: int):
    consent = selectors.consent_get(user=request.user, consent_id=consent_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.REVOKE_NOTE_REQUIRED)
    else:
        try:
            services.consent_revoke(
                actor=request.user, consent=consent, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Consent revoked: nothing more is disclosed under it."))
    return redirect("clients:detail", client_id=consent.client_id)


@require_POST
@staff_required
def staff_family_invite(request, consent_id: int):
    """Staff invite the family member a consent names (with the client present)."""
    consent = selectors.consent_get(user=request.user, consent_id=consent_id)
    form = FamilyInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give their e-mail address or mobile number."))
    else:
        _invite_family(request, consent, form)
    return redirect("clients:detail", client_id=consent.client_id)


def _invite_family(request, consent, form) -> bool:
    try:
        invitation = services.family_invite(
            actor=request.user, consent=consent, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Invitation sent to %(address)s.") % {"address": invitation.address}
        )
        return True
    return False


@require_POST
@staff_required
def family_message_handle(request, message_id: int):
    message = FamilyMessage.objects.select_related("client").filter(pk=message_id).first()
    if message is None:
        raise Http404
    client = client_get(user=request.user, client_id=message.client_id, audit=False)
    services.family_message_handle(actor=request.user, message=message)
    messages.success(request, _("Marked as handled."))
    return redirect("clients:detail", client_id=client.id)


# --- The client's own consents, on their phone ---------------------------------------------------


def _my_consent(request, consent_id: int) -> Consent:
    client = own_client_get(user=request.user)
    consent = selectors.consent_list(client=client).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    return consent


@login_required
def my_consents(request):
    client = own_client_get(user=request.user)
    consents = _with_invite_forms(list(selectors.consent_list(client=client)))
    return render(request, "consent/my_consents.html", {"client": client, "consents": consents})


@login_required
def my_consent_new(request):
    client = own_client_get(user=request.user)
    form = MyConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.service_data(client)
        data["signed_on"] = local_today(client.time_zone)
        try:
            consent = services.consent_create(actor=request.user, client=client, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Consent signed. Invite {consent.recipient_name} below so they can see it.",
            )
            return redirect("consent:my_consents")
    return render(request, "consent/my_consent_form.html", {"form": form, "client": client})


@require_POST
@login_required
def my_consent_revoke(request, consent_id: int):
    consent = _my_consent(request, consent_id)
    try:
        services.consent_revoke(actor=request.user, consent=consent)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Revoked. %(recipient_name)s can no longer see anything.")
            % {"recipient_name": consent.recipient_name},
        )
    return redirect("consent:my_consents")


@require_POST
@login_required
def my_consent_invite(request, consent_id: int):
    consent = _my_consent(request, consent_id)
    form = FamilyInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give their e-mail address or mobile number."))
    else:
        _invite_family(request, consent, form)
    return redirect("consent:my_consents")


@login_required
def my_disclosures(request):
    """Who saw my record: every disclosure, who, what, when (an accounting of disclosures)."""
    client = own_client_get(user=request.user)
    page = paginate(request, selectors.disclosures_for_client(client=client), per_page=50)
    return render(request, "consent/my_disclosures.html", {"client": client, "page": page})
