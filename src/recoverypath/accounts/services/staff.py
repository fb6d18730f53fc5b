"""Staff of a program, managed by its program admins without Django admin: invite with a role,
change the role, remove the membership. Every change is audited."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import ConflictError

from ..invitations import InvitationKind, invitation_issue
from ..models import Invitation, Membership, Program, Role, User


def staff_invite(
    *, actor: User, program: Program, email: str, role: str, name: str = ""
) -> Invitation:
    """Invite someone to `program` with `role` (by e-mail: staff log in with it).

    Raises PermissionDenied (program admins only) or ValidationError.
    """
    if not permissions.can_administer_program(actor, program.id):
        raise PermissionDenied("Only program admins invite staff.")
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "Staff are invited by e-mail: enter their address."})
    if Membership.objects.filter(program=program, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already on the staff of {program.name}."})
    return invitation_issue(
        actor=actor,
        kind=Invitation.Kind.STAFF,
        program=program,
        subject_type="accounts.program",
        subject_id=program.id,
        name=name,
        email=email,
        role=role,
    )


def _admins_left(program_id: int, *, without: Membership) -> int:
    return (
        Membership.objects.filter(program_id=program_id, role=Role.ADMIN)
        .exclude(pk=without.pk)
        .count()
    )


def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Give a staff member another role in the program. The last admin cannot step down."""
    if not permissions.can_administer_program(actor, membership.program_id):
        raise PermissionDenied("Only program admins change roles.")
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    before = membership.role
    if before == role:
        return membership
    if before == Role.ADMIN and not _admins_left(membership.program_id, without=membership):
        raise ConflictError("A program needs at least one admin.", code="last_admin")
    with transaction.atomic():
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=membership,
            organization_id=membership.program.organization_id,
            changes={"role": [before, role], "user": membership.user_id},
        )
    permissions.forget_roles(membership.user)
    return membership


def membership_remove(*, actor: User, membership: Membership) -> None:
    """Take a staff member off the program (their login stays; other programs are untouched)."""
    if not permissions.can_administer_program(actor, membership.program_id):
        raise PermissionDenied("Only program admins remove staff.")
    if membership.role == Role.ADMIN and not _admins_left(
        membership.program_id, without=membership
    ):
        raise ConflictError("A program needs at least one admin.", code="last_admin")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.DELETE,
            obj=membership,
            organization_id=membership.program.organization_id,
            changes={"user": membership.user_id, "role": [membership.role, None]},
        )
        membership.delete()


# --- The staff invitation kind ----------------------------------------------------------------


def _staff_can_manage(user: User, invitation: Invitation) -> bool:
    return permissions.can_administer_program(user, invitation.program_id)


def _staff_accept(invitation: Invitation, user: User) -> None:
    try:
        user.client_record  # noqa: B018
    except ObjectDoesNotExist:
        pass
    else:
        raise ValidationError({"email": "This address is a client's login; use another one."})
    membership, created = Membership.objects.get_or_create(
        user=user, program=invitation.program, defaults={"role": invitation.role}
    )
    if not created and membership.role != invitation.role:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    audit_record(
        actor=user,
        action=Action.CREATE,
        obj=membership,
        organization_id=invitation.organization_id,
        changes={"role": [None, invitation.role], "invitation": invitation.id},
    )


# Accepting a staff invitation grants the membership (accounts' ready() registers it).
STAFF_INVITATION = InvitationKind(
    kind=Invitation.Kind.STAFF,
    can_manage=_staff_can_manage,
    accept=_staff_accept,
    landing=lambda user: reverse("home"),
)
