"""Who may do what in the alumni community. Members act for themselves; staff of the program
(coordinator and above) moderate, approve mentors and matches, post news and events. Other
members never see another member's record: only a listed member's first name and "about"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recoverypath.core import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from recoverypath.accounts.models import User

    from .models import Member


def can_moderate_community(user: User | AnonymousUser, program_id: int) -> bool:
    """Staff of the program from coordinator up: moderation, approvals, news and events."""
    return permissions.has_rank(user, program_id, permissions.Rank.COORDINATOR)


def can_act_for_member(user: User | AnonymousUser, member: Member) -> bool:
    """The member themself, while their membership is active (not left, not suspended)."""
    return permissions.is_client_user(user, member.client) and member.status == "active"


def can_see_directory(member: Member | None) -> bool:
    """Only members who are listed themselves see who else is (membership is Part 2 data)."""
    return member is not None and member.status == "active" and member.listed
