"""Who may do what with daily monitoring. One function per rule; each condition on its own line.
The services (and the selectors that take a user) enforce them; pages ask them to show things."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

    from .models import CheckIn, Lapse


def can_read_monitoring(user: User, client: Client) -> bool:
    """Check-ins are clinical data: the client themself, or coordinators and above."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_submit_check_in(user: User, client: Client) -> bool:
    """Only the client themself checks in."""
    return permissions.is_client_user(user, client)


def can_request_reach_out(user: User, client: Client, check_in: CheckIn) -> bool:
    """The client themself, on their own check-in."""
    if not permissions.is_client_user(user, client):
        return False
    return check_in.client_id == client.id


def can_record_lapse(user: User, client: Client) -> bool:
    """The client themself, or coordinators and above."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_answer_restart(user: User, lapse: Lapse) -> bool:
    """Only the client decides whether their sobriety counter restarts after a lapse."""
    return permissions.is_client_user(user, lapse.client)


def can_log_meeting(user: User, client: Client) -> bool:
    """The client themself, or coordinators and above."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_view_staff_check_ins(user: User, client: Client) -> bool:
    """The staff page of a client's check-ins: coordinators and above (clients see their own
    at /me/check-ins/)."""
    return permissions.can_coordinate(user, client)
