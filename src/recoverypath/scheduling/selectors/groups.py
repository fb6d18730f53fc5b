"""Groups, their rosters and waitlists, and enrollments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from recoverypath.core import permissions
from recoverypath.core.modality import filter_by_list_value

from ..models import Group, GroupEnrollment

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def group_list(
    *,
    user: User,
    program_id: int | None = None,
    tag: str = "",
    with_enrolled_count: bool = False,
) -> QuerySet[Group]:
    """Groups of the programs where `user` is staff (with `tag` among their tags, when given);
    `enrolled_count` (active places) if asked."""
    qs = Group.objects.filter(program_id__in=permissions.staff_program_ids(user)).select_related(
        "program", "facilitator", "room"
    )
    if program_id:
        qs = qs.filter(program_id=program_id)
    if tag:
        qs = filter_by_list_value(qs, field="tags", value=tag)
    if with_enrolled_count:
        active = Q(enrollments__status=GroupEnrollment.Status.ACTIVE)
        qs = qs.annotate(enrolled_count=Count("enrollments", filter=active))
    return qs.order_by("program__name", "name", "id")


def group_get(*, user: User, group_id: int) -> Group:
    group = group_list(user=user).filter(pk=group_id).first()
    if group is None:
        raise Http404("No such group.")
    return group


def group_roster(*, group: Group) -> tuple[list[GroupEnrollment], list[GroupEnrollment]]:
    """(enrolled, waitlist in order) for the group page: one query."""
    open_ = list(
        group.enrollments.filter(
            status__in=[GroupEnrollment.Status.ACTIVE, GroupEnrollment.Status.WAITLISTED]
        )
        .select_related("client")
        .order_by("waitlisted_at", "client__last_name", "id")
    )
    enrolled = sorted(
        (e for e in open_ if e.status == GroupEnrollment.Status.ACTIVE),
        key=lambda e: (e.client.last_name, e.client.first_name, e.id),
    )
    waitlist = [e for e in open_ if e.status == GroupEnrollment.Status.WAITLISTED]
    return enrolled, waitlist


def enrollment_queryset_for_user(*, user: User) -> QuerySet[GroupEnrollment]:
    return GroupEnrollment.objects.filter(
        group__program_id__in=permissions.staff_program_ids(user)
    ).select_related("group", "group__program", "client")
