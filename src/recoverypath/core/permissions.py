"""Who may do what. The one place pages, API views and tasks ask.

Staff rights come from Membership(user, program, role); a client reaches only their own record.
Objects are read by attribute (client.program_id, client.user_id) so this module imports nothing
from the apps that come after core. Each rule is one function; each condition is on its own line.
"""

from __future__ import annotations

from enum import IntEnum


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


def program_roles(user) -> dict[int, str]:
    """{program_id: role} for an active staff user; cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_rp_program_roles", None)
    if cached is None:
        cached = dict(user.memberships.values_list("program_id", "role"))
        user._rp_program_roles = cached
    return cached


def forget_roles(user) -> None:
    if hasattr(user, "_rp_program_roles"):
        del user._rp_program_roles


def is_staff_member(user) -> bool:
    return bool(program_roles(user))


def staff_program_ids(user, *, min_rank: Rank = Rank.FRONT_DESK) -> set[int]:
    return {pid for pid, role in program_roles(user).items() if ROLE_RANK[role] >= min_rank}


def has_rank(user, program_id: int | None, min_rank: Rank) -> bool:
    role = program_roles(user).get(program_id)
    if role is None:
        return False
    return ROLE_RANK[role] >= min_rank


def is_client_user(user, client) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if not user.is_active:
        return False
    return client.user_id is not None and client.user_id == user.id


def can_view_client(user, client) -> bool:
    if is_client_user(user, client):
        return True
    return has_rank(user, client.program_id, Rank.FRONT_DESK)


def can_edit_client(user, client) -> bool:
    """Demographics and contact details: any staff role of the client's program."""
    return has_rank(user, client.program_id, Rank.FRONT_DESK)


def can_assign_care_team(user, program_id: int) -> bool:
    return has_rank(user, program_id, Rank.CLINICIAN)


def can_manage_support_contacts(user, client) -> bool:
    if is_client_user(user, client):
        return True
    return has_rank(user, client.program_id, Rank.FRONT_DESK)


def can_act_clinically(user, client) -> bool:
    """Clinical writes (notes, staff-entered assessments, safety plans): clinicians, admins."""
    return has_rank(user, client.program_id, Rank.CLINICIAN)


def can_coordinate(user, client) -> bool:
    """Care coordination (alerts, check-ins review, aftercare): coordinators and above."""
    return has_rank(user, client.program_id, Rank.COORDINATOR)


def can_view_clinical_record(user, client) -> bool:
    """Scores and safety plans: the client themself, and staff from coordinator up."""
    if is_client_user(user, client):
        return True
    return can_coordinate(user, client)


def can_administer_program(user, program_id: int) -> bool:
    return has_rank(user, program_id, Rank.ADMIN)


def can_view_audit(user) -> bool:
    return bool(staff_program_ids(user, min_rank=Rank.ADMIN))


def can_reset_two_factor(user, target) -> bool:
    """A program admin resets a lost authenticator of a staff member of a program they
    administer, a superuser (back office) anyone's; never one's own (someone else does that)."""
    if user is None or target is None:
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == target.pk:
        return False
    if user.is_superuser:
        return True
    shared = staff_program_ids(user, min_rank=Rank.ADMIN) & set(program_roles(target))
    return bool(shared)
