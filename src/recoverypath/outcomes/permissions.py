"""Outcome reports are for the program's admins (aggregates over every client of the program)."""

from __future__ import annotations

from recoverypath.core import permissions


def can_view_outcomes(user, program_id: int) -> bool:
    return permissions.has_rank(user, program_id, permissions.Rank.ADMIN)
