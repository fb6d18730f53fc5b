"""Invitations: issuing a single-use link, accepting it once, revoking it.

Contract of an invitation link:
1. The token is `secrets.token_urlsafe(32)` (256 bits from the OS's CSPRNG); only its SHA-256 is
   stored, so a copy of the database opens nothing.
2. It works once: acceptance claims the row with a conditional UPDATE (status pending, not
   expired), so two submissions of the same link cannot both succeed.
3. It stops working INVITATION_HOURS (72) after it was issued, without any job having to run.
4. Issuing a new invitation for the same person and purpose revokes the earlier waiting ones.

What an invitation is for is a *kind* (staff, client, family). Each kind is registered by the app
that owns what it grants (accounts registers staff, clients registers client, consent registers
family) in its AppConfig.ready(), so accounts never imports the apps after it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from recoverypath.core import ratelimit
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import ConflictError, DomainError
from recoverypath.core.hooks.invitations import (
    InvitationKind,
    invitation_kinds_by_name,
    sms_sender,
)

from .models import Invitation, Program, User

logger = logging.getLogger(__name__)

INVITATION_HOURS = 72
TOKEN_BYTES = 32  # 256 bits of entropy; the issue asks for at least 128


# --- Kinds ------------------------------------------------------------------------------------


def invitation_kind(kind: str) -> InvitationKind:
    """The registered kind named `kind` (KeyError when none is)."""
    return invitation_kinds_by_name()[kind]


# --- Tokens -----------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def invitation_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('invitations:accept', kwargs={'token': token})}"


# --- Issuing ----------------------------------------------------------------------------------


class TooManyInvitations(DomainError):
    """The sender is over their invitation limit (RATE_LIMITS["invitation_send_account"])."""

    status_code = 429
    code = "rate_limited"


def invitation_issue(
    *,
    actor: User,
    kind: str,
    program: Program,
    subject_type: str,
    subject_id: str | int,
    name: str = "",
    email: str = "",
    phone: str = "",
    role: str = "",
) -> Invitation:
    """Create an invitation and send its link after commit. The caller has checked permission.

    1. Validates the address: an e-mail or a mobile number (E.164), at least one.
    2. Revokes earlier waiting invitations for the same kind, subject (and, for staff, address).
    3. Stores the token's hash, audits (the address, never the token), and sends the link by
       e-mail when there is an address, else by text message.
    Raises ValidationError for a missing address, DomainError when SMS is not available,
    TooManyInvitations (429) when the sender is over their limit.
    """
    try:
        ratelimit.hit("invitation_send_account", str(actor.pk))
    except ratelimit.RateLimited as exc:
        minutes = max(1, -(-exc.retry_after // 60))
        raise TooManyInvitations(
            f"Too many invitations sent: try again in {minutes} minutes."
        ) from exc
    email = (email or "").strip().lower()
    phone = (phone or "").strip()
    if not email and not phone:
        raise ValidationError({"email": "Give an e-mail address or a mobile number to invite."})
    channel = Invitation.Channel.EMAIL if email else Invitation.Channel.SMS
    if channel == Invitation.Channel.SMS and sms_sender() is None:
        raise DomainError("Text messages are not set up here: invite by e-mail.")
    token, hashed = _new_token()
    now = timezone.now()
    with transaction.atomic():
        earlier = Invitation.objects.filter(
            kind=kind,
            subject_type=subject_type,
            subject_id=str(subject_id),
            status=Invitation.Status.PENDING,
        )
        if kind == Invitation.Kind.STAFF:
            earlier = earlier.filter(email=email, phone=phone)
        earlier.update(status=Invitation.Status.REVOKED, revoked_at=now)
        invitation = Invitation.objects.create(
            organization_id=program.organization_id,
            program=program,
            kind=kind,
            channel=channel,
            email=email,
            phone=phone,
            role=role,
            subject_type=subject_type,
            subject_id=str(subject_id),
            name=name[:200],
            token_hash=hashed,
            expires_at=now + timedelta(hours=INVITATION_HOURS),
            invited_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=invitation,
            organization_id=program.organization_id,
            client_id=_client_id(invitation),
            changes={
                "kind": kind,
                "channel": channel,
                "address": invitation.address,
                "role": role,
                "subject": f"{subject_type}:{subject_id}",
                "expires_at": invitation.expires_at.isoformat(),
            },
        )
        transaction.on_commit(lambda: _send(invitation, token))
    return invitation


def _client_id(invitation: Invitation) -> int | None:
    return int(invitation.subject_id) if invitation.subject_type == "clients.client" else None


def _send(invitation: Invitation, token: str) -> None:
    link = invitation_link(token)
    who = invitation.program.name
    if invitation.channel == Invitation.Channel.EMAIL:
        body = (
            f"Hello{(' ' + invitation.name) if invitation.name else ''},\n\n"
            f"{who} invited you to RecoveryPath. Open this link within {INVITATION_HOURS} hours "
            f"to set your password. It works once.\n\n{link}\n\n"
            "If you did not expect this message you can ignore it.\n"
        )
        send_mail(
            "Your RecoveryPath invitation",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
            fail_silently=False,
        )
    else:
        body = (
            f"{who} invited you to RecoveryPath. Set your password (link works once, 72 h): {link}"
        )
        send = sms_sender()
        if send is None:  # invitation_issue refuses SMS while no sender is registered
            raise RuntimeError("No SMS sender is registered (is notifications installed?)")
        send(invitation.phone, body, f"invitation-{invitation.id}")


# --- Reading ----------------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation this token opens if it is still usable (waiting and unexpired), else None."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("program", "organization")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        return None
    if invitation.status != Invitation.Status.PENDING or invitation.is_expired:
        return None
    return invitation


def invitations_for_subject(*, subject_type: str, subject_id: str | int) -> list[Invitation]:
    return list(
        Invitation.objects.filter(subject_type=subject_type, subject_id=str(subject_id))
        .select_related("invited_by", "accepted_by")
        .order_by("-created_at", "-id")
    )


def existing_user(email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip()).first()


# --- Accepting --------------------------------------------------------------------------------


def invitation_accept(
    *, token: str, email: str, password: str, first_name: str = "", extra: dict | None = None
) -> User:
    """Use the invitation once: create the login (or link an existing one, whose password must
    then be given), grant what the kind grants, and mark the invitation accepted.

    Raises DomainError (code "invitation_unusable") for an unknown, used, revoked or expired
    link; ValidationError for a bad password, a wrong extra answer, or an address already in use.
    """
    invitation = invitation_for_token(token)
    if invitation is None:
        raise DomainError(
            "This invitation link has expired or was already used. Ask for a new one.",
            code="invitation_unusable",
        )
    kind = invitation_kind(invitation.kind)
    extra = extra or {}
    email = (invitation.email or email or "").strip().lower()
    errors: dict[str, Any] = dict(kind.check(invitation, extra))
    if not email:
        errors["email"] = "Enter the e-mail address you will log in with."
    user = existing_user(email) if email else None
    if user is not None:
        if not user.check_password(password):
            errors["password"] = (
                "You already have a RecoveryPath login with this address: enter its password."
            )
    else:
        try:
            validate_password(password, User(email=email, first_name=first_name))
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, status=Invitation.Status.PENDING, expires_at__gt=now
        ).update(status=Invitation.Status.ACCEPTED, accepted_at=now)
        if claimed != 1:
            raise ConflictError(
                "This invitation link was already used. Ask for a new one.",
                code="invitation_unusable",
            )
        if user is None:
            user = User.objects.create_user(
                email=email, password=password, first_name=first_name.strip()[:100]
            )
        if not user.is_active:
            raise ValidationError({"email": "This login has been switched off by the program."})
        kind.accept(invitation, user)
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
        invitation.accepted_by = user
        invitation.status = Invitation.Status.ACCEPTED
        audit_record(
            actor=user,
            action=Action.UPDATE,
            obj=invitation,
            organization_id=invitation.organization_id,
            client_id=_client_id(invitation),
            changes={"status": ["pending", "accepted"], "user": user.id},
        )
    return user


def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw a waiting invitation. Raises PermissionDenied or ConflictError."""
    if not invitation_kind(invitation.kind).can_manage(actor, invitation):
        raise PermissionDenied("You cannot change this invitation.")
    now = timezone.now()
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk, status=Invitation.Status.PENDING
        ).update(status=Invitation.Status.REVOKED, revoked_at=now)
        if not changed:
            raise ConflictError(
                "Only a waiting invitation can be revoked.", code="invalid_transition"
            )
        invitation.status = Invitation.Status.REVOKED
        invitation.revoked_at = now
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=invitation,
            organization_id=invitation.organization_id,
            client_id=_client_id(invitation),
            changes={"status": ["pending", "revoked"]},
        )
    return invitation


def invitation_get_for_manager(*, user: User, invitation_id: int) -> Invitation:
    """The invitation if `user` may manage it, else Http404 (never a hint that it exists)."""
    from django.http import Http404

    invitation = (
        Invitation.objects.select_related("program", "organization")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.kind not in invitation_kinds_by_name():
        raise Http404("No such invitation.")
    if not invitation_kind(invitation.kind).can_manage(user, invitation):
        raise Http404("No such invitation.")
    return invitation
