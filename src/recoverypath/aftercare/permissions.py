"""Who may do what with aftercare plans and the external provider directory. One function per
rule, one condition per line; the services enforce them, the pages ask them to show buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.core import permissions
from recoverypath.core.permissions import Rank

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def can_view_aftercare_plan(user: User, client: Client) -> bool:
    """The client's aftercare plan: coordinators and above of the client's program, and the
    client themself."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_manage_aftercare_plan(user: User, client: Client) -> bool:
    """Start, extend, resume and complete a plan; its components, goals and coordinator
    check-ins: coordinators, clinicians and admins of the client's program."""
    return permissions.can_coordinate(user, client)


def can_step_up_to_iop(user: User, client: Client) -> bool:
    """Back to IOP from aftercare: clinicians and admins (a level of care is a clinical call)."""
    return permissions.can_act_clinically(user, client)


def can_log_component_contact(user: User, client: Client) -> bool:
    """That a component happened or was missed: the client themself, or their coordinators."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_choose_help_contacts(user: User, client: Client) -> bool:
    """Whom "I need help now" texts: the client alone."""
    return permissions.is_client_user(user, client)


def can_ask_for_help(user: User, client: Client) -> bool:
    """ "I need help now": the client themself, with their own login."""
    return permissions.is_client_user(user, client)


def can_view_providers(user: User) -> bool:
    """The directory holds no client data: any staff member reads their organization's."""
    return permissions.is_staff_member(user)


def can_manage_provider(user: User, organization_id: int) -> bool:
    """Add to or change an organization's directory: coordinators and above of any of its
    programs."""
    programs = program_list_for_user(user=user, min_rank=Rank.COORDINATOR)
    return programs.filter(organization_id=organization_id).exists()
