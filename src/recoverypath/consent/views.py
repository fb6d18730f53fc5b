"""Part 2 consent pages: a client's consents on their page, recording one, revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from recoverypath.clients.selectors import client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.errors import DomainError
from recoverypath.core.forms import add_service_errors

from . import selectors, services
from .forms import ConsentForm, RevokeForm


def client_panel(request, client) -> str:
    if not permissions.can_coordinate(request.user, client):
        return ""
    consents = list(selectors.consent_list(client=client))
    return render_to_string(
        "consent/_client_panel.html",
        {"client": client, "consents": consents},
        request=request,
    )


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
            messages.success(request, "Consent recorded.")
            return redirect("clients:detail", client_id=client.id)
    return render(request, "consent/consent_form.html", {"form": form, "client": client})


@require_POST
@staff_required
def consent_revoke(request, consent_id: int):
    consent = selectors.consent_get(user=request.user, consent_id=consent_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say how the client revoked the consent.")
    else:
        try:
            services.consent_revoke(
                actor=request.user, consent=consent, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Consent revoked: nothing more is disclosed under it.")
    return redirect("clients:detail", client_id=consent.client_id)
