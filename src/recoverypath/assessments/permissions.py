"""Who may do what with assessments. One function per rule; each condition on its own line.
The services enforce them; pages ask them only to show or hide a link or button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def can_self_report_assessment(user: User, client: Client) -> bool:
    """The client fills in their own questionnaires (mode "self")."""
    return permissions.is_client_user(user, client)


def can_enter_assessment(user: User, client: Client) -> bool:
    """Clinicians and admins of the client's program enter one for a client (mode "staff")."""
    return permissions.can_act_clinically(user, client)


def can_change_assessment_schedules(user: User, program_id: int) -> bool:
    """When each instrument is due in a program: its admins."""
    return permissions.can_administer_program(user, program_id)
