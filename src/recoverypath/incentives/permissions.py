"""Who may see and change rewards. The client reads their own; coordinators and above of the
client's program award and record redemptions; clinicians and admins set the schedule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def can_read_rewards(user: User, client: Client) -> bool:
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_award_rewards(user: User | None, client: Client) -> bool:
    """`user` None is the system (a verified behaviour arriving by signal)."""
    if user is None:
        return True
    return permissions.can_coordinate(user, client)


def can_record_redemption(user: User, client: Client) -> bool:
    return permissions.can_coordinate(user, client)


def can_configure_rewards(user: User, program_id: int) -> bool:
    return permissions.has_rank(user, program_id, permissions.Rank.CLINICIAN)
