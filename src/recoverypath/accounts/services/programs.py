"""Program settings that belong to signing in."""

from __future__ import annotations

from django.db import transaction

from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.errors import DomainError
from recoverypath.core.permissions import can_administer_program

from ..models import Program, User

SIGN_IN_FIELDS = ("two_factor_grace_days", "idle_timeout_minutes")


class ProgramNotFound(DomainError):
    status_code = 404
    code = "not_found"


def program_sign_in_update(
    *, actor: User, program_id: int, two_factor_grace_days: int, idle_timeout_minutes: int
) -> Program:
    """Set a program's two-factor grace period (0-90 days) and idle sign-out (2-480 minutes).

    Only an admin of the program; anyone else gets "not found". One audit event with the change.
    The new values apply to each staff member's next sign-in.
    """
    if not can_administer_program(actor, program_id):
        raise ProgramNotFound("No such program.")
    if not 0 <= two_factor_grace_days <= 90:
        raise DomainError(
            "The grace period is 0 to 90 days.",
            fields={"two_factor_grace_days": ["Enter 0 to 90 days."]},
        )
    if not 2 <= idle_timeout_minutes <= 480:
        raise DomainError(
            "The idle sign-out is 2 to 480 minutes.",
            fields={"idle_timeout_minutes": ["Enter 2 to 480 minutes."]},
        )
    with transaction.atomic():
        program = Program.objects.select_for_update().get(id=program_id)
        before = snapshot(program, SIGN_IN_FIELDS)
        program.two_factor_grace_days = two_factor_grace_days
        program.idle_timeout_minutes = idle_timeout_minutes
        program.save(update_fields=list(SIGN_IN_FIELDS))
        changes = model_changes(before, snapshot(program, SIGN_IN_FIELDS))
        if changes:
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=program,
                organization_id=program.organization_id,
                changes=changes,
            )
    return program
