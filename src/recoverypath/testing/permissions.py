"""Who may see and change testing records. Test results are clinical: the client reads their own;
coordinators, clinicians and admins of the client's program read and write; front desk neither.
One function per rule, one condition per line; the services and selectors enforce them, the pages
ask them to show buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def can_read_testing(user: User, client: Client) -> bool:
    """The client's tests and results: the client themself, and coordinators and above."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_manage_testing(user: User, client: Client) -> bool:
    """Policies, for-cause tests, collections, results, medications: coordinators and above."""
    return permissions.can_coordinate(user, client)


def can_mark_tests_seen(user: User, client: Client) -> bool:
    """That the client has seen the tests asked of them: the client alone (a staff member looking
    must not stop the client's reminder)."""
    return permissions.is_client_user(user, client)


def can_view_program_testing(user: User, program_id: int) -> bool:
    """The program report and panels: coordinators and above of that program."""
    return permissions.has_rank(user, program_id, permissions.Rank.COORDINATOR)


def can_view_testing_report(user: User) -> bool:
    """The testing report at all (and its menu entry): coordinators and above of some program."""
    return bool(permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR))


def can_configure_program_testing(user: User, program_id: int) -> bool:
    """The program's panels and thresholds: clinicians and admins."""
    return permissions.has_rank(user, program_id, permissions.Rank.CLINICIAN)
