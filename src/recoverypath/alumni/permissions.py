"""Who may do what in the alumni community. Members act for themselves; staff of the program
(coordinator and above) moderate, approve mentors and matches, post news and events. Other
members never see another member's record: only a listed member's first name and "about"."""

from __future__ import annotations

from recoverypath.core import permissions


def can_moderate(user, program_id: int) -> bool:
    return permissions.has_rank(user, program_id, permissions.Rank.COORDINATOR)


def can_act_as_member(user, member) -> bool:
    return permissions.is_client_user(user, member.client) and member.status == "active"


def can_see_directory(member) -> bool:
    """Only members who are listed themselves see who else is (membership is Part 2 data)."""
    return member is not None and member.status == "active" and member.listed
