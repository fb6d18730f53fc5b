"""Who may do what with discharge plans, referrals and the gap report. One function per rule, one
condition per line; the services enforce them, the pages ask them to show buttons. The provider
directory's rules are aftercare's (it owns the directory): aftercare/permissions.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions
from recoverypath.core.permissions import Rank

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def can_view_discharge_plan(user: User, client: Client) -> bool:
    """The client's discharge plan: coordinators and above of the client's program, and the
    client themself."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.has_rank(user, client.program_id, Rank.COORDINATOR)


def can_work_checklist(user: User, client: Client) -> bool:
    """Checklist items, referrals and the aftercare hand-off: coordinators and above."""
    return permissions.has_rank(user, client.program_id, Rank.COORDINATOR)


def can_answer_alumni_offer(user: User, client: Client) -> bool:
    """The alumni offer made at graduation: the client, or staff who work the checklist for them."""
    if permissions.is_client_user(user, client):
        return True
    return can_work_checklist(user, client)


def can_graduate_client(user: User, client: Client) -> bool:
    """Graduation, overrides, diagnoses and the discharge summary: clinicians and admins."""
    return permissions.has_rank(user, client.program_id, Rank.CLINICIAN)


def can_view_gap_report(user: User, program_id: int) -> bool:
    return permissions.has_rank(user, program_id, Rank.COORDINATOR)
