"""Who may do what with schedules. One function per rule; each condition on its own line."""

from __future__ import annotations

from recoverypath.core import permissions
from recoverypath.core.permissions import Rank


def can_view_schedule(user, program_id: int) -> bool:
    """Any staff role of the program sees its groups, sessions and calendars."""
    return permissions.has_rank(user, program_id, Rank.FRONT_DESK)


def can_book(user, program_id: int) -> bool:
    """Booking, moving and cancelling sessions, and enrolling into groups: any staff role."""
    return permissions.has_rank(user, program_id, Rank.FRONT_DESK)


def can_manage_groups(user, program_id: int) -> bool:
    """Creating groups and generating their sessions: clinicians and admins."""
    return permissions.has_rank(user, program_id, Rank.CLINICIAN)


def can_manage_holidays(user, program_id: int) -> bool:
    return permissions.has_rank(user, program_id, Rank.ADMIN)


def can_take_attendance(user, session) -> bool:
    """The session's facilitator (a coordinator runs check-ins), or a clinician or admin."""
    if not permissions.has_rank(user, session.program_id, Rank.FRONT_DESK):
        return False
    if session.facilitator_id == user.id:
        return True
    return permissions.has_rank(user, session.program_id, Rank.CLINICIAN)


def can_write_notes(user, client) -> bool:
    return permissions.can_act_clinically(user, client)
