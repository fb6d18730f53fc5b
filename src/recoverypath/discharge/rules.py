"""Who may do what with discharge plans, referrals and providers. One function per rule."""

from __future__ import annotations

from recoverypath.core import permissions
from recoverypath.core.permissions import Rank


def can_view_plan(user, client) -> bool:
    """Coordinators and above of the client's program, and the client themself."""
    if permissions.is_client_user(user, client):
        return True
    return permissions.has_rank(user, client.program_id, Rank.COORDINATOR)


def can_work_checklist(user, client) -> bool:
    """Checklist items, referrals and the aftercare hand-off: coordinators and above."""
    return permissions.has_rank(user, client.program_id, Rank.COORDINATOR)


def can_graduate(user, client) -> bool:
    """Graduation, overrides, diagnoses and the discharge summary: clinicians and admins."""
    return permissions.has_rank(user, client.program_id, Rank.CLINICIAN)


def can_view_providers(user) -> bool:
    """The directory holds no client data: any staff member reads their organization's."""
    return permissions.is_staff_member(user)


def can_manage_provider(user, organization_id: int) -> bool:
    """Coordinators and above of any program of the provider's organization."""
    from recoverypath.accounts.models import Program

    program_ids = permissions.staff_program_ids(user, min_rank=Rank.COORDINATOR)
    return Program.objects.filter(id__in=program_ids, organization_id=organization_id).exists()


def can_view_gap_report(user, program_id: int) -> bool:
    return permissions.has_rank(user, program_id, Rank.COORDINATOR)
