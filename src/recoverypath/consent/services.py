"""Writes to consents and the disclosure log: permission, validation, one transaction, audit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.errors import ConflictError, DomainError
from recoverypath.core.timezones import local_today

from .models import Consent, Disclosure
from .notices import NOTICE_VERSION, part2_notice
from .selectors import _recipient_key, consent_allows_disclosure

CONSENT_FIELDS = [
    "patient_name",
    "disclosing_party",
    "information_description",
    "scope",
    "recipient_name",
    "recipient_type",
    "recipient_id",
    "purposes",
    "revocation_right_explained",
    "how_to_revoke",
    "expires_on",
    "expiration_event",
    "signed_by_name",
    "signer_is_patient",
    "signer_authority",
    "signed_on",
    "redisclosure_explained",
    "refusal_consequences_explained",
    "status",
]


def consent_create(*, actor, client, recipient=None, **data: Any) -> Consent:
    """Record a signed consent. `recipient` (a record) fills the recipient fields when given (its
    name when `recipient_name` is blank).

    Raises PermissionDenied (coordinators and above record consents) or ValidationError.
    """
    if not permissions.can_coordinate(actor, client):
        raise PermissionDenied("You cannot record consents for this client.")
    unknown = set(data) - set(CONSENT_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set." for name in sorted(unknown)})
    if recipient is not None:
        rtype, rid, rname = _recipient_key(recipient)
        data.update(recipient_type=rtype, recipient_id=rid)
        if not (data.get("recipient_name") or "").strip():
            data["recipient_name"] = rname
    data.setdefault("patient_name", f"{client.first_name} {client.last_name}")
    data.setdefault("disclosing_party", client.program.name)
    data["status"] = Consent.Status.ACTIVE
    consent = Consent(
        organization_id=client.organization_id, client=client, created_by=actor, **data
    )
    consent.full_clean()
    if consent.signed_on > local_today(client.time_zone):
        raise ValidationError({"signed_on": "The date signed cannot be in the future."})
    with transaction.atomic():
        consent.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=consent,
            client_id=client.id,
            organization_id=client.organization_id,
            changes=model_changes({}, snapshot(consent, CONSENT_FIELDS)),
        )
    return consent


def _transition(*, actor, consent: Consent, to: str, **fields: Any) -> Consent:
    if to not in Consent.ALLOWED_TRANSITIONS[consent.status]:
        raise ConflictError(
            f"A {consent.get_status_display().lower()} consent cannot become {to}.",
            code="invalid_transition",
        )
    before = consent.status
    consent.status = to
    for name, value in fields.items():
        setattr(consent, name, value)
    with transaction.atomic():
        consent.save(update_fields=["status", *fields, "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=consent,
            client_id=consent.client_id,
            organization_id=consent.organization_id,
            changes={"status": [before, to]},
        )
    return consent


def consent_revoke(*, actor, consent: Consent, note: str = "") -> Consent:
    """The patient revoked the consent (in writing). Disclosures already made stand."""
    if not permissions.can_coordinate(actor, consent.client):
        raise PermissionDenied("You cannot change this client's consents.")
    return _transition(
        actor=actor,
        consent=consent,
        to=Consent.Status.REVOKED,
        revoked_at=timezone.now(),
        revocation_note=note.strip(),
        ended_by=actor,
    )


def consent_expire(*, actor, consent: Consent, note: str = "") -> Consent:
    """The consent's expiration event happened (a dated consent simply stops allowing)."""
    if not permissions.can_coordinate(actor, consent.client):
        raise PermissionDenied("You cannot change this client's consents.")
    return _transition(
        actor=actor,
        consent=consent,
        to=Consent.Status.EXPIRED,
        revocation_note=note.strip(),
        ended_by=actor,
    )


def disclosure_record(
    *,
    actor,
    client,
    recipient,
    purpose: str,
    description: str,
    obj: models.Model | None = None,
    today: date | None = None,
) -> Disclosure:
    """Log one disclosure of `client`'s records to `recipient`, carrying the Part 2 notice.

    Refuses (DomainError, code "no_consent") unless a consent allows it. Writes a Disclosure row
    and an audit event with action "disclose" whose changes carry the notice and consent id.
    """
    consent = consent_allows_disclosure(
        client=client, recipient=recipient, purpose=purpose, today=today
    )
    if consent is None:
        raise DomainError(
            "No active Part 2 consent allows this disclosure to this recipient for this purpose.",
            code="no_consent",
        )
    rtype, rid, rname = _recipient_key(recipient)
    notice = part2_notice()
    otype, oid = (obj._meta.label_lower, str(obj.pk)) if obj is not None else ("", "")
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            organization_id=client.organization_id,
            client=client,
            consent=consent,
            recipient_name=rname or consent.recipient_name,
            recipient_type=rtype,
            recipient_id=rid,
            purpose=purpose,
            description=description[:300],
            object_type=otype,
            object_id=oid,
            notice_version=NOTICE_VERSION,
            notice=notice,
            disclosed_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.DISCLOSE,
            obj=obj or disclosure,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={
                "recipient": rname or consent.recipient_name,
                "purpose": purpose,
                "consent_id": consent.id,
                "consent_scope": consent.scope,
                "disclosure_id": disclosure.id,
                "notice_version": NOTICE_VERSION,
                "notice": notice,
            },
        )
    return disclosure
