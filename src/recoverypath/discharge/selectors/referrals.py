"""Reads of referrals, the provider directory and discharge summaries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from recoverypath.aftercare.models import ExternalProvider
from recoverypath.aftercare.selectors import provider_queryset_for_user
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.hooks.appointments import ClientAppointment
from recoverypath.core.modality import Modality, filter_by_list_value
from recoverypath.core.params import Reach
from recoverypath.core.permissions import Rank

from ..models import DischargeSummary, Referral
from ..permissions import can_view_discharge_plan
from .plans import plan_queryset_for_user

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def referral_queryset_for_user(*, user: User) -> QuerySet[Referral]:
    program_ids = permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR)
    return Referral.objects.filter(client__program_id__in=program_ids).select_related(
        "client", "provider", "plan"
    )


# What a referral id in a request body may name: referrals of the caller's clients (coordinator up).
REFERRALS = Reach(Referral, lambda user: referral_queryset_for_user(user=user))


def referral_get(*, user: User, referral_id: int) -> Referral:
    referral = referral_queryset_for_user(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404("No such referral.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=referral,
        client_id=referral.client_id,
        organization_id=referral.organization_id,
    )
    return referral


def referral_queryset_for_client(*, client) -> QuerySet[Referral]:
    """The client's referrals with their provider, newest first (for pickers: a queryset)."""
    return (
        Referral.objects.filter(client=client)
        .select_related("provider")
        .order_by("-sent_at", "-id")
    )


def referral_list_for_client(*, client) -> list[Referral]:
    return list(referral_queryset_for_client(client=client))


def provider_list(
    *,
    user: User,
    kind: str = "",
    search: str = "",
    telehealth: bool | None = None,
    modality: str = "",
    accepting: bool | None = None,
) -> QuerySet[ExternalProvider]:
    """The directory the user's organizations share, filtered; `modality`: providers who see
    clients that way (in person, video, phone)."""
    qs = provider_queryset_for_user(user=user)
    if kind:
        qs = qs.filter(kind=kind)
    for word in search.split()[:4]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(services__icontains=word)
            | Q(address__icontains=word)
            | Q(accepted_insurance__icontains=word)
        )
    if telehealth is not None:
        qs = qs.filter(telehealth=telehealth)
    if modality:
        qs = filter_by_list_value(qs, field="modalities", value=modality)
    if accepting is not None:
        qs = qs.filter(accepting_new_clients=accepting)
    return qs.order_by("name", "id")


def provider_get(*, user: User, provider_id: int) -> ExternalProvider:
    provider = provider_queryset_for_user(user=user).filter(pk=provider_id).first()
    if provider is None:
        raise Http404("No such provider.")
    return provider


# Summary ----------------------------------------------------------------------------------------


def summaries_for_client(*, client) -> list[DischargeSummary]:
    """The client's discharge summaries, oldest first (exports; interop)."""
    return list(
        DischargeSummary.objects.filter(plan__client=client)
        .select_related("plan", "plan__program", "signed_by")
        .order_by("generated_at", "id")
    )


def summary_get(*, user: User, summary_id: int) -> DischargeSummary:
    summary = (
        DischargeSummary.objects.select_related(
            "plan", "plan__client", "plan__program", "signed_by"
        )
        .filter(pk=summary_id, plan__in=plan_queryset_for_user(user=user))
        .first()
    )
    if summary is None or not can_view_discharge_plan(user, summary.plan.client):
        raise Http404("No such discharge summary.")
    if permissions.is_client_user(user, summary.plan.client) and not summary.is_signed:
        raise Http404("No such discharge summary.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=summary,
        client_id=summary.plan.client_id,
        organization_id=summary.plan.organization_id,
    )
    return summary


# Gap in care ------------------------------------------------------------------------------------


# A first appointment with an outside provider is taken to last an hour (the client's home).
FIRST_APPOINTMENT_MINUTES = 60


def client_next_first_appointment(client, now: datetime, /) -> ClientAppointment | None:
    """The client's earliest booked first appointment with a provider not yet over at `now`:
    one query."""
    referral = (
        Referral.objects.filter(
            client=client,
            status=Referral.Status.BOOKED,
            appointment_at__gt=now - timedelta(minutes=FIRST_APPOINTMENT_MINUTES),
        )
        .select_related("provider")
        .order_by("appointment_at", "id")
        .first()
    )
    if referral is None or referral.appointment_at is None:
        return None
    video = referral.appointment_modality == Modality.VIDEO
    return ClientAppointment(
        title=_("First appointment with %(provider)s") % {"provider": referral.provider.name},
        starts_at=referral.appointment_at,
        ends_at=referral.appointment_at + timedelta(minutes=FIRST_APPOINTMENT_MINUTES),
        modality=referral.appointment_modality,
        join_url=referral.join_url if video else "",
        call_details=referral.call_details,
        where=referral.provider.address
        if referral.appointment_modality == Modality.IN_PERSON
        else "",
    )
