"""Writes to consents and the disclosure log: permission, validation, one transaction, audit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record, audit_record_many, model_changes, snapshot
from recoverypath.core.errors import ConflictError, DomainError
from recoverypath.core.permissions import can_coordinate
from recoverypath.core.timezones import local_today

from . import permissions as rules
from .models import Category, Consent, Disclosure, FamilyMessage, RecipientKind
from .notices import NOTICE_VERSION, part2_notice
from .selectors import _recipient_key, consent_check

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

REVOKE_NOTE_REQUIRED = "Say how the client revoked the consent."
CONSENT_FIELDS = [
    "patient_name",
    "disclosing_party",
    "information_description",
    "categories",
    "scope",
    "recipient_kind",
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
    "signature_attested",
    "redisclosure_explained",
    "refusal_consequences_explained",
    "status",
]


def consent_create(*, actor: User, client, recipient=None, **data: Any) -> Consent:
    """Record a signed consent. `recipient` (a record) fills the recipient fields when given (its
    name when `recipient_name` is blank).

    The client records their own from their phone (they sign it themself); coordinators and
    above record a signed paper or electronic form. A consent missing any element 42 CFR 2.31
    requires is refused with a message naming it.

    Raises PermissionDenied or ValidationError.
    """
    if not rules.can_record_consent(actor, client):
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
    if actor.id == client.user_id:
        data["signer_is_patient"] = True
        data["signer_authority"] = ""
    consent = Consent(
        organization_id=client.organization_id,
        client=client,
        created_by=actor,
        signed_at=timezone.now(),
        **data,
    )
    missing = consent.missing_elements()
    if missing:
        raise ValidationError(missing)
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


def _transition(*, actor: User, consent: Consent, to: str, **fields: Any) -> Consent:
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


def consent_revoke(*, actor: User, consent: Consent, note: str = "") -> Consent:
    """The patient revoked the consent (in writing, or with one tap on their phone). It stops
    allowing anything from the next request on; disclosures already made stand.

    Staff recording a revocation say how the client revoked it (`note`; ValidationError
    without); the client's own tap needs none. Raises PermissionDenied, ConflictError."""
    if not rules.can_revoke_consent(actor, consent):
        raise PermissionDenied("You cannot change this client's consents.")
    if not note.strip():
        if actor.id != consent.client.user_id:
            raise ValidationError({"note": REVOKE_NOTE_REQUIRED})
        note = "Revoked by the client in RecoveryPath."
    return _transition(
        actor=actor,
        consent=consent,
        to=Consent.Status.REVOKED,
        revoked_at=timezone.now(),
        revocation_note=note.strip(),
        ended_by=actor,
    )


def consent_expire(*, actor: User, consent: Consent, note: str = "") -> Consent:
    """The consent's expiration event happened (a dated consent simply stops allowing)."""
    if not can_coordinate(actor, consent.client):
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
    actor: User,
    client,
    recipient,
    purpose: str,
    description: str,
    obj: models.Model | None = None,
    today: date | None = None,
    category: str | None = None,
) -> Disclosure:
    """Log one disclosure of `client`'s records to `recipient`, carrying the Part 2 notice.

    Refuses (DomainError, code "no_consent") unless a consent allows it. Writes a Disclosure row
    and an audit event with action "disclose" whose changes carry the notice and consent id.
    """
    consent = consent_check(
        client=client, recipient=recipient, category=category, purpose=purpose, today=today
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
            category=category or "",
            recipient_user=recipient if rtype == "accounts.user" else None,
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
                "category": category or "",
                "consent_id": consent.id,
                "consent_scope": consent.scope,
                "disclosure_id": disclosure.id,
                "notice_version": NOTICE_VERSION,
                "notice": notice,
            },
        )
    return disclosure


# --- Family: invitation, the disclosure log of what they are shown, messages to the team ------


def family_invite(*, actor: User, consent: Consent, email: str = "", phone: str = ""):
    """Invite the family member a consent names to create their login (or link an existing one).

    Raises PermissionDenied, ValidationError (no address, not a family consent), ConflictError
    (the consent no longer allows anything, or already has a login linked).
    """
    from recoverypath.accounts.invitations import invitation_issue
    from recoverypath.accounts.selectors import InvitationKinds
    from recoverypath.core.phones import normalize_phone

    if not rules.can_invite_family(actor, consent):
        raise PermissionDenied("You cannot invite for this consent.")
    if consent.recipient_kind != RecipientKind.FAMILY:
        raise ValidationError({"consent": "Only a family member or supporter is invited."})
    if consent.status != Consent.Status.ACTIVE:
        raise ConflictError("This consent is no longer active.", code="inactive_consent")
    if consent.recipient_user_id is not None:
        raise ConflictError("This person already has access.", code="already_linked")
    try:
        phone = normalize_phone(phone or "")
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    client = consent.client
    return invitation_issue(
        actor=actor,
        kind=InvitationKinds.FAMILY,
        program=client.program,
        subject_type="consent.consent",
        subject_id=consent.id,
        name=consent.recipient_name,
        email=email,
        phone=phone,
    )


def consent_link_recipient(*, consent_id: int, user: User) -> Consent:
    """Attach the family member's login to the consent naming them (on invitation acceptance)."""
    locked = Consent.objects.select_for_update().select_related("client").get(pk=consent_id)
    if locked.recipient_user_id not in (None, user.id):
        raise ValidationError({"email": "Someone else already accepted this invitation."})
    if locked.client.user_id == user.id:
        raise ValidationError({"email": "Use the family member's own address, not the client's."})
    if user.memberships.exists():
        raise ValidationError({"email": "That address is a staff login: use a personal one."})
    locked.recipient_user = user
    locked.save(update_fields=["recipient_user", "updated_at"])
    audit_record(
        actor=user,
        action=Action.UPDATE,
        obj=locked,
        client_id=locked.client_id,
        organization_id=locked.organization_id,
        changes={"recipient_user": [None, user.id]},
    )
    return locked


def family_disclosures_record(
    *, user: User, client, shown: dict[str, Consent], how: str
) -> list[Disclosure]:
    """Log that `user` was shown `client`'s record in each category of `shown`, under the consent
    that allowed it: one Disclosure and one "disclose" audit event per category, in two INSERTs.
    `how` says where (family page, API, download)."""
    if not shown:
        return []
    notice = part2_notice()
    labels = dict(Category.choices)
    rows = [
        Disclosure(
            organization_id=client.organization_id,
            client=client,
            consent=consent,
            recipient_name=consent.recipient_name or user.get_full_name() or user.email,
            recipient_type="accounts.user",
            recipient_id=str(user.id),
            recipient_user=user,
            purpose=consent.purposes[0] if consent.purposes else "patient_request",
            category=category,
            description=f"{labels.get(category, category)} ({how})"[:300],
            notice_version=NOTICE_VERSION,
            notice=notice,
            disclosed_by=user,
        )
        for category, consent in shown.items()
    ]
    with transaction.atomic():
        created = Disclosure.objects.bulk_create(rows)
        audit_record_many(
            actor=user,
            action=Action.DISCLOSE,
            events=[
                {
                    "object_type": "consent.consent",
                    "object_id": str(row.consent_id),
                    "client_id": client.id,
                    "organization_id": client.organization_id,
                    "changes": {
                        "recipient": row.recipient_name,
                        "category": row.category,
                        "consent_id": row.consent_id,
                        "via": how,
                        "notice_version": NOTICE_VERSION,
                    },
                }
                for row in created
            ],
        )
    return created


def family_message_send(*, user: User, client, body: str) -> FamilyMessage:
    """A family member with an active consent for `client` writes to the client's care team.
    Raises PermissionDenied (no active consent) or ValidationError."""
    from .selectors import family_grants

    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write your message."})
    if len(body) > 2000:
        raise ValidationError({"body": "Keep the message under 2000 characters."})
    grants = family_grants(user=user, client_id=client.id)
    if client.id not in grants or not grants[client.id][1]:
        raise PermissionDenied("You cannot message this care team.")
    consent = next(iter(grants[client.id][1].values()))
    with transaction.atomic():
        message = FamilyMessage.objects.create(
            organization_id=client.organization_id,
            client=client,
            consent=consent,
            sender=user,
            body=body,
        )
        audit_record(
            actor=user,
            action=Action.CREATE,
            obj=message,
            client_id=client.id,
            organization_id=client.organization_id,
        )
    return message


def family_message_handle(*, actor: User, message: FamilyMessage) -> FamilyMessage:
    """Staff mark a family message as handled (e.g. they called back). Idempotent."""
    if not rules.can_handle_family_message(actor, message.client):
        raise PermissionDenied("You cannot handle this message.")
    with transaction.atomic():
        updated = FamilyMessage.objects.filter(pk=message.pk, handled_at__isnull=True).update(
            handled_at=timezone.now(), handled_by=actor
        )
        if updated:
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=message,
                client_id=message.client_id,
                organization_id=message.organization_id,
                changes={"handled": [False, True]},
            )
    message.refresh_from_db()
    return message
