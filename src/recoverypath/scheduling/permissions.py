"""Who may do what with schedules. One function per rule; each condition on its own line.
The services enforce them; pages ask them only to show or hide a button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions
from recoverypath.core.permissions import Rank

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

    from .models import Session


def can_view_schedule(user: User, program_id: int) -> bool:
    """Any staff role of the program sees its groups, sessions and calendars."""
    return permissions.has_rank(user, program_id, Rank.FRONT_DESK)


def can_book_session(user: User, program_id: int) -> bool:
    """Booking, moving and cancelling sessions, and enrolling into groups: any staff role."""
    return permissions.has_rank(user, program_id, Rank.FRONT_DESK)


def can_manage_groups(user: User, program_id: int) -> bool:
    """Creating groups and generating their sessions: clinicians and admins."""
    return permissions.has_rank(user, program_id, Rank.CLINICIAN)


def can_create_groups(user: User) -> bool:
    """The "new group" page: a clinician or admin of at least one program (the service then
    checks the program chosen, `can_manage_groups`)."""
    return bool(permissions.staff_program_ids(user, min_rank=Rank.CLINICIAN))


def can_manage_holidays(user: User, program_id: int) -> bool:
    return permissions.has_rank(user, program_id, Rank.ADMIN)


def can_take_attendance(user: User, session: Session) -> bool:
    """The session's facilitator (a coordinator runs check-ins), or a clinician or admin."""
    if not permissions.has_rank(user, session.program_id, Rank.FRONT_DESK):
        return False
    if session.facilitator_id == user.id:
        return True
    return permissions.has_rank(user, session.program_id, Rank.CLINICIAN)


def can_write_notes(user: User, client: Client) -> bool:
    return permissions.can_act_clinically(user, client)


def can_write_session_notes(user: User, session: Session) -> bool:
    """The note links on a session page: clinicians and admins of its program."""
    return permissions.has_rank(user, session.program_id, Rank.CLINICIAN)
