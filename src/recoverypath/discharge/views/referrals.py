"""Referrals to external providers and the provider directory."""

from __future__ import annotations

from django import forms as django_forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.aftercare.forms import ProviderForm
from recoverypath.aftercare.permissions import can_manage_provider
from recoverypath.clients.selectors import client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.pagination import paginate
from recoverypath.core.permissions import Rank

from .. import forms, selectors, services
from ..models import Referral
from ..permissions import can_work_checklist
from .shared import save_form as _save


@staff_required
def referral_create(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if not can_work_checklist(request.user, client):
        raise PermissionDenied
    providers = selectors.provider_list(user=request.user).filter(
        organization_id=client.organization_id
    )
    form = forms.ReferralForm(request.POST or None, user=request.user, providers=providers)
    saved = _save(
        request,
        form,
        lambda: services.referral_create(
            actor=request.user,
            client=client,
            provider=form.cleaned_data["provider"],
            reason=form.cleaned_data["reason"],
            appointment_at=form.cleaned_data["appointment_at"],
            appointment_modality=form.cleaned_data["appointment_modality"] or "in_person",
            join_url=form.cleaned_data["join_url"],
            call_details=form.cleaned_data["call_details"],
        ),
        success="Referral recorded.",
    )
    if saved:
        return redirect(_back_to(client))
    return render(request, "discharge/referral_form.html", {"form": form, "client": client})


def _back_to(client) -> str:
    plan = selectors.plan_for_client(client=client)
    if plan is not None:
        return reverse("discharge:plan", kwargs={"plan_id": plan.id})
    return reverse("clients:detail", kwargs={"client_id": client.id})


@staff_required
def referral_move(request, referral_id: int):
    referral = selectors.referral_get(user=request.user, referral_id=referral_id)
    allowed = sorted(Referral.ALLOWED_TRANSITIONS[referral.status])
    form = forms.ReferralMoveForm(request.POST or None)
    to_field = form.fields["to"]
    assert isinstance(to_field, django_forms.ChoiceField)
    to_field.choices = [(s, Referral.Status(s).label) for s in allowed]
    saved = _save(
        request,
        form,
        lambda: services.referral_transition(
            actor=request.user,
            referral=referral,
            to=form.cleaned_data["to"],
            appointment_at=form.cleaned_data["appointment_at"],
            appointment_modality=form.cleaned_data["appointment_modality"] or "in_person",
            join_url=form.cleaned_data["join_url"],
            call_details=form.cleaned_data["call_details"],
            attended_on=form.cleaned_data["attended_on"],
            note=form.cleaned_data["note"],
        ),
        success="Referral updated.",
    )
    if saved:
        return redirect(_back_to(referral.client))
    return render(
        request,
        "discharge/referral_move.html",
        {"form": form, "referral": referral, "history": referral.history.select_related("actor")},
    )


@staff_required
def provider_list(request):
    form = forms.ProviderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    providers = selectors.provider_list(
        user=request.user,
        kind=filters.get("kind") or "",
        search=filters.get("q") or "",
        telehealth=True if filters.get("telehealth") else None,
        modality=filters.get("modality") or "",
        accepting=True if filters.get("accepting") else None,
    )
    can_manage = bool(permissions.staff_program_ids(request.user, min_rank=Rank.COORDINATOR))
    return render(
        request,
        "discharge/provider_list.html",
        {"form": form, "page": paginate(request, providers), "can_manage": can_manage},
    )


@staff_required
def provider_create(request):
    programs = program_list_for_user(user=request.user, min_rank=Rank.COORDINATOR)
    program = programs.first()
    if program is None:
        raise PermissionDenied
    form = ProviderForm(request.POST or None)
    saved = _save(
        request,
        form,
        lambda: services.external_provider_create(
            actor=request.user, organization=program.organization, **form.cleaned_data
        ),
        success="Provider added to the directory.",
    )
    if saved:
        return redirect("discharge:providers")
    return render(request, "discharge/provider_form.html", {"form": form, "provider": None})


@staff_required
def provider_edit(request, provider_id: int):
    provider = selectors.provider_get(user=request.user, provider_id=provider_id)
    if not can_manage_provider(request.user, provider.organization_id):
        raise PermissionDenied
    form = ProviderForm(request.POST or None, instance=provider)
    saved = _save(
        request,
        form,
        lambda: services.external_provider_update(
            actor=request.user,
            provider=provider,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        ),
        success="Provider saved.",
    )
    if saved:
        return redirect("discharge:providers")
    return render(request, "discharge/provider_form.html", {"form": form, "provider": provider})


# Gap in care ------------------------------------------------------------------------------------
