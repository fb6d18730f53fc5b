"""Outcome reports are for the program's admins (aggregates over every client of the program)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User


def can_view_outcomes(user: User | AnonymousUser, program_id: int) -> bool:
    return permissions.has_rank(user, program_id, permissions.Rank.ADMIN)
