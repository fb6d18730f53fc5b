"""Reads of consents: is a disclosure allowed, and under which consent."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.timezones import local_today

from .models import TPO_PURPOSES, Consent


def _recipient_key(recipient) -> tuple[str, str, str]:
    """(type, id, name) for a model instance, or ("", "", name) for a plain name."""
    if isinstance(recipient, models.Model):
        return recipient._meta.label_lower, str(recipient.pk), str(getattr(recipient, "name", ""))
    return "", "", str(recipient or "")


def consent_is_active(*, consent: Consent, today: date | None = None) -> bool:
    """Active status and not past its expiration date (the day it expires still counts)."""
    if consent.status != Consent.Status.ACTIVE:
        return False
    today = today or local_today(consent.client.time_zone)
    if consent.signed_on > today:
        return False
    return consent.expires_on is None or consent.expires_on >= today


def consent_list(*, client) -> QuerySet[Consent]:
    return Consent.objects.filter(client=client).select_related("client")


def consent_allows_disclosure(
    *, client, recipient, purpose: str, today: date | None = None
) -> Consent | None:
    """The consent that allows disclosing `client`'s records to `recipient` for `purpose`, or None.

    `recipient` is a model instance (an external provider, a support contact) or a name. A consent
    allows it when it is active, unexpired, names the purpose, and either names this recipient (by
    record, or by name when no record is named) or is a treatment-payment-operations consent and the
    purpose is treatment, payment or operations. Revoked and expired consents never allow. Returns
    the newest such consent so the caller can log the disclosure under it.
    """
    today = today or local_today(client.time_zone)
    rtype, rid, rname = _recipient_key(recipient)
    named = Q(scope=Consent.Scope.SPECIFIC)
    if rtype:
        named &= Q(recipient_type=rtype, recipient_id=rid) | Q(
            recipient_type="", recipient_name__iexact=rname.strip() or "\0"
        )
    else:
        named &= Q(recipient_name__iexact=rname.strip() or "\0")
    scope = named
    if purpose in TPO_PURPOSES:
        scope |= Q(scope=Consent.Scope.TPO)
    candidates = (
        Consent.objects.filter(client=client, status=Consent.Status.ACTIVE, signed_on__lte=today)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .filter(scope)
        .order_by("-signed_on", "-id")
    )
    for consent in candidates:
        if purpose in consent.purposes:
            return consent
    return None


def consent_queryset_for_user(*, user) -> QuerySet[Consent]:
    """Consents `user` may read: coordinators and above by program; a client their own."""
    if not user.is_authenticated or not user.is_active:
        return Consent.objects.none()
    scope = Q(client__user_id=user.id)
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    if program_ids:
        scope |= Q(client__program_id__in=program_ids)
    return Consent.objects.filter(scope).select_related("client")


def consent_get(*, user, consent_id: int) -> Consent:
    """The consent if `user` may read it (an audited read), else Http404."""
    consent = consent_queryset_for_user(user=user).filter(pk=consent_id).first()
    if consent is None:
        raise Http404("No such consent.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=consent,
        client_id=consent.client_id,
        organization_id=consent.organization_id,
    )
    return consent
