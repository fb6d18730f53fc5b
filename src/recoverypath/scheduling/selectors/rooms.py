"""Rooms and program holidays; what a room or session id in a request may name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from recoverypath.core import permissions
from recoverypath.core.params import Reach

from ..models import Holiday, Room, Session

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def room_list(*, user: User) -> QuerySet[Room]:
    """Rooms of the programs where `user` is staff (for booking and conflict checks)."""
    return Room.objects.filter(program_id__in=permissions.staff_program_ids(user)).order_by(
        "program_id", "name"
    )


# What a room or session id in a request body may name: those of the caller's programs.
ROOMS = Reach(Room, lambda user: room_list(user=user))
STAFF_SESSIONS = Reach(
    Session, lambda user: Session.objects.filter(program_id__in=permissions.staff_program_ids(user))
)


def holiday_list(*, user: User, program_id: int | None = None) -> QuerySet[Holiday]:
    """Holidays of the programs where `user` is staff, by program then date."""
    qs = Holiday.objects.filter(program_id__in=permissions.staff_program_ids(user))
    if program_id:
        qs = qs.filter(program_id=program_id)
    return qs.order_by("program_id", "date")
