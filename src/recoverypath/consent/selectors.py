"""Reads of consents: is a disclosure allowed, and under which consent."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.timezones import local_today

from .models import TPO_PURPOSES, Consent, Disclosure, FamilyMessage, RecipientKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def _is_login(recipient) -> bool:
    return isinstance(recipient, models.Model) and recipient._meta.label_lower == "accounts.user"


def _recipient_key(recipient) -> tuple[str, str, str]:
    """(type, id, name) for a model instance, or ("", "", name) for a plain name."""
    if _is_login(recipient):
        return "accounts.user", str(recipient.pk), recipient.get_full_name() or recipient.email
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
    return Consent.objects.filter(client=client).select_related("client", "recipient_user")


def consent_grants(
    consent: Consent,
    *,
    category: str | None = None,
    purpose: str | None = None,
    today: date | None = None,
) -> bool:
    """The rule, for one consent: active, signed, unexpired on the client's `today`, and covering
    `category` and `purpose` when they are asked about. Every check below uses it."""
    if not consent_is_active(consent=consent, today=today):
        return False
    covers_category = category is None or category in (consent.categories or [])
    covers_purpose = purpose is None or purpose in (consent.purposes or [])
    return covers_category and covers_purpose


def consent_check(
    *,
    client,
    recipient,
    category: str | None = None,
    purpose: str | None = None,
    today: date | None = None,
) -> Consent | None:
    """THE consent check: the consent under which `client`'s record, in `category`, may be shown
    to `recipient` now (for `purpose` when given), or None. Every family page and endpoint,
    every document sent to a provider, and any later interface ask this (or family_grants,
    which applies the same consent_grants rule to all of a family member's consents at once).

    `recipient` is a login (a family member: consents linked to that login), a record (an
    external provider, a support contact) or a name. A treatment-payment-operations consent also
    covers any recipient for treatment, payment or operations. Revoked and expired consents
    never allow. Returns the newest allowing consent, for the disclosure log.
    """
    today = today or local_today(client.time_zone)
    if _is_login(recipient):
        if not recipient.is_active:
            return None
        scope = Q(recipient_user=recipient, recipient_kind=RecipientKind.FAMILY)
    else:
        scope = _named_scope(recipient, purpose)
    candidates = (
        Consent.objects.filter(client=client, status=Consent.Status.ACTIVE)
        .filter(scope)
        .select_related("client")
        .order_by("-signed_on", "-id")
    )
    for consent in candidates:
        if consent_grants(consent, category=category, purpose=purpose, today=today):
            return consent
    return None


def consent_allows_disclosure(
    *, client, recipient, purpose: str, today: date | None = None, category: str | None = None
) -> Consent | None:
    """consent_check for a named recipient and purpose (kept for the discharge checklist)."""
    return consent_check(
        client=client, recipient=recipient, category=category, purpose=purpose, today=today
    )


def _named_scope(recipient, purpose: str | None) -> Q:
    rtype, rid, rname = _recipient_key(recipient)
    named = Q(scope=Consent.Scope.SPECIFIC)
    if rtype:
        named &= Q(recipient_type=rtype, recipient_id=rid) | Q(
            recipient_type="", recipient_name__iexact=rname.strip() or "\0"
        )
    else:
        named &= Q(recipient_name__iexact=rname.strip() or "\0")
    if purpose in TPO_PURPOSES:
        named |= Q(scope=Consent.Scope.TPO)
    return named


def family_grants(
    *, user: User | AnonymousUser | None, client_id: int | None = None
) -> dict[int, tuple[Client, dict[str, Consent]]]:
    """{client_id: (client, {category: consent})} for every client whose active, unexpired,
    unrevoked consent names this family member's login; one query. The newest consent wins a
    category. Applies consent_grants, the same rule as consent_check."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    consents = Consent.objects.filter(
        recipient_user=user, recipient_kind=RecipientKind.FAMILY, status=Consent.Status.ACTIVE
    ).select_related("client", "client__program")
    if client_id is not None:
        consents = consents.filter(client_id=client_id)
    grants: dict[int, tuple[Client, dict[str, Consent]]] = {}
    for consent in consents.order_by("-signed_on", "-id"):
        today = local_today(consent.client.time_zone)
        if not consent_grants(consent, today=today):
            continue
        _client, by_category = grants.setdefault(consent.client_id, (consent.client, {}))
        for category in consent.categories:
            by_category.setdefault(category, consent)
    return grants


def is_family_member(user: User | AnonymousUser | None) -> bool:
    """Has a login that some consent (in any state) names: the family area exists for them."""
    if user is None or not user.is_authenticated:
        return False
    return Consent.objects.filter(recipient_user=user).exists()


def consents_expiring(*, user: User, today: date, within_days: int = 14) -> list[Consent]:
    """Active dated consents of the clients `user` coordinates that end within `within_days`."""
    from datetime import timedelta

    return list(
        Consent.objects.filter(
            client__coordinator=user,
            status=Consent.Status.ACTIVE,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=within_days),
        )
        .select_related("client")
        .order_by("expires_on", "id")
    )


def disclosures_for_client(*, client) -> QuerySet[Disclosure]:
    """The client's accounting of disclosures, newest first."""
    return Disclosure.objects.filter(client=client).order_by("-disclosed_at", "-id")


def family_messages_open(*, client) -> list[FamilyMessage]:
    return list(
        FamilyMessage.objects.filter(client=client, handled_at__isnull=True)
        .select_related("sender")
        .order_by("-sent_at")
    )


def family_messages_unhandled_for(*, user: User) -> list[FamilyMessage]:
    """Open family messages about clients the user is the coordinator or clinician of."""
    return list(
        FamilyMessage.objects.filter(handled_at__isnull=True)
        .filter(Q(client__coordinator=user) | Q(client__primary_clinician=user))
        .select_related("client", "sender")
        .order_by("sent_at")
    )


def consent_queryset_for_user(*, user: User) -> QuerySet[Consent]:
    """Consents `user` may read: coordinators and above by program; a client their own."""
    if not user.is_authenticated or not user.is_active:
        return Consent.objects.none()
    scope = Q(client__user_id=user.id)
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    if program_ids:
        scope |= Q(client__program_id__in=program_ids)
    return Consent.objects.filter(scope).select_related("client")


def consent_get(*, user: User, consent_id: int) -> Consent:
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


def disclosure_queryset_for_user(*, user: User) -> QuerySet[Disclosure]:
    """Disclosures `user` may read: a client their own, coordinators and above by program."""
    if not user.is_authenticated or not user.is_active:
        return Disclosure.objects.none()
    scope = Q(client__user_id=user.id)
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR)
    if program_ids:
        scope |= Q(client__program_id__in=program_ids)
    return Disclosure.objects.filter(scope).select_related("client")
