"""Who may see and change testing records. Test results are clinical: the client reads their own;
coordinators, clinicians and admins of the client's program read and write; front desk neither."""

from __future__ import annotations

from recoverypath.core import permissions


def can_read_testing(user, client) -> bool:
    if permissions.is_client_user(user, client):
        return True
    return permissions.can_coordinate(user, client)


def can_manage_testing(user, client) -> bool:
    """Policies, for-cause tests, collections, results, medications: coordinators and above."""
    return permissions.can_coordinate(user, client)


def can_view_program_testing(user, program_id: int) -> bool:
    """The program report and panels: coordinators and above of that program."""
    return permissions.has_rank(user, program_id, permissions.Rank.COORDINATOR)


def can_configure_program_testing(user, program_id: int) -> bool:
    """The program's panels and thresholds: clinicians and admins."""
    return permissions.has_rank(user, program_id, permissions.Rank.CLINICIAN)
