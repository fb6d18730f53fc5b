"""Who may do what. The one place pages, API views and tasks ask.

Staff rights come from Membership(user, program, role); a client reaches only their own record.
Objects are read by attribute (client.program_id, client.user_id) so this module imports nothing
from the apps that come after core. Each rule is one function; each condition is on its own line.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    # The AUTH_USER_MODEL as django-stubs resolves it: core names no app that comes after it.
    from django.contrib.auth.models import _User as User

    Person = User | AnonymousUser | None


class Rank(IntEnum):
    FRONT_DESK = 1
    COORDINATOR = 2
    CLINICIAN = 3
    ADMIN = 4


ROLE_RANK: dict[str, Rank] = {
    "front_desk": Rank.FRONT_DESK,
    "coordinator": Rank.COORDINATOR,
    "clinician": Rank.CLINICIAN,
    "admin": Rank.ADMIN,
}

# The attribute that caches a user's roles on the user object for the request.
_ROLES_CACHE = "_rp_program_roles"


def program_roles(user: Person) -> dict[int, str]:
    """{program_id: role} for an active staff user; cached on the user object for the request."""
    if user is None:
        return {}
    if not user.is_authenticated:
        return {}
    if not user.is_active:
        return {}
    cached: dict[int, str] | None = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        cached = dict(user.memberships.values_list("program_id", "role"))
        setattr(user, _ROLES_CACHE, cached)
    return cached


def remember_roles(user: Person, roles: dict[int, str]) -> None:
    """Use `roles` ({program_id: role}, every membership of the user, read by the caller in a
    statement it ran anyway, e.g. the API token sign-in) as the user's roles for the request."""
    if user is not None:
        setattr(user, _ROLES_CACHE, dict(roles))


def forget_roles(user: Person) -> None:
    if hasattr(user, _ROLES_CACHE):
        delattr(user, _ROLES_CACHE)


def is_staff_member(user: Person) -> bool:
    return bool(program_roles(user))


def staff_program_ids(user: Person, *, min_rank: Rank = Rank.FRONT_DESK) -> set[int]:
    return {pid for pid, role in program_roles(user).items() if ROLE_RANK[role] >= min_rank}


def has_rank(user: Person, program_id: int | None, min_rank: Rank) -> bool:
    if program_id is None:
        return False
    role = program_roles(user).get(program_id)
    if role is None:
        return False
    return ROLE_RANK[role] >= min_rank


def is_client_user(user: Person, client) -> bool:
    if user is None:
        return False
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    if client.user_id is None:
        return False
    return client.user_id == user.id


def can_view_client(user: Person, client) -> bool:
    if is_client_user(user, client):
        return True
    return has_rank(user, client.program_id, Rank.FRONT_DESK)


def can_edit_client(user: Person, client) -> bool:
    """Demographics and contact details: any staff role of the client's program."""
    return has_rank(user, client.program_id, Rank.FRONT_DESK)


def can_assign_care_team(user: Person, program_id: int) -> bool:
    return has_rank(user, program_id, Rank.CLINICIAN)


def can_manage_support_contacts(user: Person, client) -> bool:
    if is_client_user(user, client):
        return True
    return has_rank(user, client.program_id, Rank.FRONT_DESK)


def can_act_clinically(user: Person, client) -> bool:
    """Clinical writes (notes, staff-entered assessments, safety plans): clinicians, admins."""
    return has_rank(user, client.program_id, Rank.CLINICIAN)


def can_coordinate(user: Person, client) -> bool:
    """Care coordination (alerts, check-ins review, aftercare): coordinators and above."""
    return has_rank(user, client.program_id, Rank.COORDINATOR)


def can_view_clinical_record(user: Person, client) -> bool:
    """Scores and safety plans: the client themself, and staff from coordinator up."""
    if is_client_user(user, client):
        return True
    return can_coordinate(user, client)


def can_administer_program(user: Person, program_id: int) -> bool:
    return has_rank(user, program_id, Rank.ADMIN)


def can_view_audit(user: Person) -> bool:
    return bool(staff_program_ids(user, min_rank=Rank.ADMIN))


def can_reset_two_factor(user: Person, target) -> bool:
    """A program admin resets a lost authenticator of a staff member of a program they
    administer, a superuser (back office) anyone's; never one's own (someone else does that)."""
    if user is None:
        return False
    if target is None:
        return False
    if not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    if user.pk == target.pk:
        return False
    if user.is_superuser:
        return True
    shared = staff_program_ids(user, min_rank=Rank.ADMIN) & set(program_roles(target))
    return bool(shared)
