"""Pieces every alumni endpoint shares: who the caller is in the community, and input parsing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import PermissionDenied

from recoverypath.clients.selectors import client_for_user_account
from recoverypath.core.params import id_param

from .. import selectors

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

    from ..models import Member

CLIENTS_ONLY = "The alumni community is for the program's clients."
MEMBERS_ONLY = "Join the alumni community first."
MODERATORS_ONLY = "Alumni moderation is for coordinators, clinicians and admins."

ID_PARAM = OpenApiParameter("id", int, OpenApiParameter.PATH)
PROGRAM_PARAM = OpenApiParameter(
    "program", int, description="Only this program's rows (staff: a program they moderate)."
)


def valid(serializer_class, request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def program_filter(request) -> int | None:
    return id_param(request.query_params, "program")


def own_client(user: User) -> Client:
    """The caller's client record; 403 for anyone else (staff, family)."""
    client = client_for_user_account(user=user)
    if client is None:
        raise PermissionDenied(CLIENTS_ONLY)
    return client


def own_member(user: User) -> Member:
    """The caller's membership (any status: the services refuse a left or paused one); 403 for
    anyone who never joined."""
    own_client(user)
    member = selectors.own_member(user=user)
    if member is None:
        raise PermissionDenied(MEMBERS_ONLY)
    return member


def require_moderator(user: User) -> None:
    if not selectors.moderated_programs(user=user).exists():
        raise PermissionDenied(MODERATORS_ONLY)


def require_member_or_moderator(user: User) -> None:
    """An active member (their program's community) or a moderator (their programs'); 403 for
    anyone else."""
    member = selectors.own_member(user=user)
    if member is not None and member.status == "active":
        return
    if not selectors.moderated_programs(user=user).exists():
        raise PermissionDenied(MEMBERS_ONLY)
