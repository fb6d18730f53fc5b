"""Client logins: invite a client to their own record, accept, switch a login off.

The invitation machinery (tokens, expiry, single use) is accounts'; this module says what a
client invitation grants (the login becomes the client's) and who may manage it (any staff of
the client's program; program admins also switch a login off).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from recoverypath.accounts.invitations import (
    InvitationKind,
    existing_user,
    invitation_issue,
    invitations_for_subject,
)
from recoverypath.accounts.selectors import InvitationKinds
from recoverypath.accounts.services import (
    invitations_revoke_pending,
    user_active_set,
    user_preferred_name_set,
)
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import ConflictError
from recoverypath.core.phones import normalize_phone

from .models import Client

if TYPE_CHECKING:
    from recoverypath.accounts.models import Invitation, User

SUBJECT = "clients.client"


def _address_taken(email: str, client: Client) -> str:
    """A message when `email` is already another client's login (or a staff login), else ""."""
    if not email:
        return ""
    user = existing_user(email)
    if user is None:
        return ""
    try:
        record = user.client_record
    except ObjectDoesNotExist:
        record = None
    if record is not None and record.pk != client.pk:
        return "That address is already the login of another client: use another one."
    if user.memberships.exists():
        return "That address is a staff login: use the client's own address."
    return ""


def client_invite(*, actor: User, client: Client, email: str = "", phone: str = "") -> Invitation:
    """Invite the client to set a password for their own record, by e-mail (preferred when
    given) or text message. Re-inviting replaces the waiting invitation.

    Raises PermissionDenied (staff of the client's program only), ValidationError (no address,
    an address linked to another client), ConflictError (the client already has a login).
    """
    if not permissions.can_edit_client(actor, client):
        raise PermissionDenied("You cannot invite this client.")
    login = client.user
    if login is not None and login.is_active:
        raise ConflictError("This client already has a login.", code="has_login")
    email = (email or "").strip().lower()
    try:
        phone = normalize_phone(phone or "")
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if not email and not phone:
        raise ValidationError(
            {"email": "Give the client's e-mail address or mobile number to invite them."}
        )
    taken = _address_taken(email, client)
    if taken:
        raise ValidationError({"email": taken})
    return invitation_issue(
        actor=actor,
        kind=InvitationKinds.CLIENT,
        program=client.program,
        subject_type=SUBJECT,
        subject_id=client.id,
        name=client.preferred_name or client.first_name,
        email=email,
        phone=phone,
    )


def client_invitations(*, user: User, client: Client) -> list[Invitation]:
    """The client's invitations, newest first. Raises PermissionDenied unless `user` is staff of
    the client's program (the client themself does not see them)."""
    if not permissions.can_edit_client(user, client):
        raise PermissionDenied("Only the client's program staff see invitations.")
    return invitations_for_subject(subject_type=SUBJECT, subject_id=client.id)


def client_login_deactivate(*, actor: User, client: Client) -> Client:
    """Switch the client's login off (program admins). Their record is untouched; waiting
    invitations are revoked too. Raises PermissionDenied or ConflictError."""
    if not permissions.can_administer_program(actor, client.program_id):
        raise PermissionDenied("Only program admins switch a client's login off.")
    user = client.user
    if user is None or not user.is_active:
        raise ConflictError("This client has no active login.", code="no_login")
    with transaction.atomic():
        user_active_set(user=user, active=False)
        invitations_revoke_pending(subject_type=SUBJECT, subject_id=client.id)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=user,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={"is_active": [True, False]},
        )
    return client


def client_login_reactivate(*, actor: User, client: Client) -> Client:
    """Switch a switched-off client login back on (program admins). Raises PermissionDenied or
    ConflictError."""
    if not permissions.can_administer_program(actor, client.program_id):
        raise PermissionDenied("Only program admins switch a client's login back on.")
    user = client.user
    if user is None or user.is_active:
        raise ConflictError("This client has no switched-off login.", code="no_login")
    with transaction.atomic():
        user_active_set(user=user, active=True)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=user,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={"is_active": [False, True]},
        )
    return client


# --- The client invitation kind ---------------------------------------------------------------


def _client_of(invitation: Invitation) -> Client:
    return Client.objects.select_related("program").get(pk=int(invitation.subject_id))


def _can_manage(user: User, invitation: Invitation) -> bool:
    return permissions.has_rank(user, invitation.program_id, permissions.Rank.FRONT_DESK)


def _check(invitation: Invitation, data: dict[str, Any]) -> dict[str, str]:
    client = _client_of(invitation)
    if data.get("date_of_birth") != client.date_of_birth:
        return {"date_of_birth": "That date of birth does not match our record. Check it."}
    return {}


def _accept(invitation: Invitation, user: User) -> None:
    client = Client.objects.select_for_update().get(pk=int(invitation.subject_id))
    taken = _address_taken(user.email, client)
    if taken:
        raise ValidationError({"email": taken})
    if client.user_id is not None and client.user_id != user.id:
        login = client.user
        if login is not None and login.is_active:
            raise ValidationError({"email": "This client already has a login."})
    before = client.user_id
    client.user = user
    client.save(update_fields=["user", "updated_at"])
    if not user.first_name:
        user.first_name = client.preferred_name or client.first_name
        user.last_name = client.last_name
        user.save(update_fields=["first_name", "last_name"])
    user_preferred_name_set(user=user, preferred_name=client.preferred_name)
    audit_record(
        actor=user,
        action=Action.UPDATE,
        obj=client,
        client_id=client.id,
        organization_id=client.organization_id,
        changes={"user": [before, user.id], "invitation": invitation.id},
    )


# Accepting a client invitation links the login to the client record (clients' ready()).
CLIENT_INVITATION = InvitationKind(
    kind=InvitationKinds.CLIENT,
    can_manage=_can_manage,
    accept=_accept,
    check=_check,
    landing=lambda user: reverse("clients:me"),
    extra_fields=("date_of_birth",),
)
