from __future__ import annotations

from django.db.models import Q, QuerySet

from recoverypath.core.models import AuditEvent
from recoverypath.core.permissions import Rank, staff_program_ids

from .models import Membership, Program, Role, User


def program_list_for_user(*, user, min_rank: Rank = Rank.FRONT_DESK) -> QuerySet[Program]:
    return Program.objects.filter(id__in=staff_program_ids(user, min_rank=min_rank)).select_related(
        "organization"
    )


def staff_colleagues(
    *, user, roles: list[str] | tuple[str, ...] | None = None, min_rank: Rank = Rank.FRONT_DESK
) -> QuerySet[User]:
    """Active staff (with one of `roles`) in the programs where `user` holds at least
    `min_rank` (for assignment pickers)."""
    members = Membership.objects.filter(program_id__in=staff_program_ids(user, min_rank=min_rank))
    if roles:
        members = members.filter(role__in=roles)
    return User.objects.filter(id__in=members.values("user_id"), is_active=True)


def program_staff(*, program_id: int, roles: list[str] | None = None) -> QuerySet[User]:
    members = Membership.objects.filter(program_id=program_id)
    if roles:
        members = members.filter(role__in=roles)
    return User.objects.filter(id__in=members.values("user_id"), is_active=True)


def program_admins(*, program_id: int) -> QuerySet[User]:
    return program_staff(program_id=program_id, roles=[Role.ADMIN])


def audit_events_for_admin(
    *,
    user,
    action: str = "",
    actor_email: str = "",
    client_id: int | None = None,
    since=None,
    until=None,
):
    """Audit events an admin may browse: their organizations' records and their staff's logins."""
    org_ids = set(
        Program.objects.filter(id__in=staff_program_ids(user, min_rank=Rank.ADMIN)).values_list(
            "organization_id", flat=True
        )
    )
    if not org_ids:
        return AuditEvent.objects.none()
    staff_ids = Membership.objects.filter(program__organization_id__in=org_ids).values("user_id")
    qs = AuditEvent.objects.filter(
        Q(organization_id__in=org_ids) | Q(organization_id=None, actor_id__in=staff_ids)
    )
    if action:
        qs = qs.filter(action=action)
    if actor_email:
        qs = qs.filter(actor_email__icontains=actor_email)
    if client_id:
        qs = qs.filter(client_id=client_id)
    if since:
        qs = qs.filter(occurred_at__date__gte=since)
    if until:
        qs = qs.filter(occurred_at__date__lte=until)
    return qs.order_by("-occurred_at", "-id")


def program_members(*, program_id: int) -> list[Membership]:
    """The program's staff with their logins (one query)."""
    return list(
        Membership.objects.filter(program_id=program_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
