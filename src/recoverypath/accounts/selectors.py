from __future__ import annotations

from django.db.models import Q, QuerySet

from recoverypath.core.audit import Action, audit_record, clients_in_programs
from recoverypath.core.models import AuditEvent
from recoverypath.core.params import Reach
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


# What a program or staff id in a request body may name: the caller's programs, their colleagues.
PROGRAMS = Reach(Program, lambda user: program_list_for_user(user=user))
STAFF = Reach(User, lambda user: staff_colleagues(user=user))


def audit_events_for_admin(
    *,
    user,
    action: str = "",
    actor_email: str = "",
    client_id: int | None = None,
    since=None,
    until=None,
):
    """Audit events an admin may browse: those of the programs they administer, no more.

    1. An event about a client shows only while that client is in one of those programs now, i.e.
       while the admin could read the client's record (so `changes` never reach anyone else).
    2. An event about no client (a log in, a program setting) shows when its actor is on the staff
       of one of those programs and it belongs to one of their organizations (or to none).
    Web page and API both read through here.
    """
    program_ids = staff_program_ids(user, min_rank=Rank.ADMIN)
    if not program_ids:
        return AuditEvent.objects.none()
    org_ids = Program.objects.filter(id__in=program_ids).values("organization_id")
    staff_ids = Membership.objects.filter(program_id__in=program_ids).values("user_id")
    qs = AuditEvent.objects.filter(
        Q(client_id__in=clients_in_programs(program_ids))
        | Q(
            Q(organization_id__in=org_ids) | Q(organization_id=None),
            client_id=None,
            actor_id__in=staff_ids,
        )
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
    # Reading the trail is itself a read of client data (the `changes`): it leaves an event.
    audit_record(
        actor=user,
        action=Action.LIST,
        object_type=AuditEvent._meta.label_lower,
        client_id=client_id,
        changes={
            "filters": {
                name: str(value)
                for name, value in (
                    ("action", action),
                    ("actor", actor_email),
                    ("client", client_id),
                    ("since", since),
                    ("until", until),
                )
                if value
            }
        },
    )
    return qs.order_by("-occurred_at", "-id")
