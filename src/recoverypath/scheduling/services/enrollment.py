"""Group enrollment: capacity, track and a waitlist that fills freed places in order."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from recoverypath.care.selectors import episode_active, episode_active_exists
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.timezones import local_today

from ..models import Group, GroupEnrollment
from ..permissions import can_book_session
from .reminders import group_reminders_sync

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client

Status = GroupEnrollment.Status


def _lock_group(group: Group) -> None:
    Group.objects.select_for_update().filter(pk=group.pk).values_list("pk", flat=True).first()


def _audit(actor: User | None, enrollment: GroupEnrollment, before: str | None) -> None:
    audit_record(
        actor=actor,
        action=Action.CREATE if before is None else Action.UPDATE,
        obj=enrollment,
        client_id=enrollment.client_id,
        organization_id=enrollment.client.organization_id,
        changes={"status": [before, enrollment.status], "group": [None, enrollment.group_id]},
    )


def group_enroll(
    *, actor: User, group: Group, client: Client, waitlist: bool = True, on_date: date | None = None
) -> GroupEnrollment:
    """Give the client a place in the group, or a place on its waitlist when it is full.

    Refused (ValidationError) when the client has no active episode in the group's program, when
    the group is for another track, when already in it or waiting, or when it is full and
    `waitlist` is False.
    """
    if not can_book_session(actor, group.program_id):
        raise PermissionDenied("You cannot enroll clients in this program's groups.")
    if client.organization_id != group.program.organization_id:
        raise ValidationError({"client": "The client is not in this organization."})
    episode = episode_active(client=client, program=group.program)
    if episode is None:
        raise ValidationError(
            {"client": f"{client.display_name} has no active episode in {group.program}."}
        )
    if not group.admits_track(episode.track):
        raise ValidationError(
            {
                "client": f"{group.name} is for the {group.get_track_display()} track; "
                f"{client.display_name} is on the {episode.get_track_display()} track."
            }
        )
    if not group.is_active:
        raise ValidationError({"group": "This group no longer meets."})
    on_date = on_date or local_today(group.program.time_zone)
    with transaction.atomic():
        _lock_group(group)
        if GroupEnrollment.objects.filter(
            group=group, client=client, status__in=[Status.ACTIVE, Status.WAITLISTED]
        ).exists():
            raise ValidationError(
                {"client": f"{client.display_name} is already in this group or on its waitlist."}
            )
        taken = GroupEnrollment.objects.filter(group=group, status=Status.ACTIVE).count()
        if taken >= group.capacity and not waitlist:
            raise ValidationError(
                {"group": f"{group.name} is full ({group.capacity} places); use the waitlist."}
            )
        enrollment = GroupEnrollment(group=group, client=client)
        if taken < group.capacity:
            enrollment.status, enrollment.joined_on = Status.ACTIVE, on_date
        else:
            enrollment.status, enrollment.waitlisted_at = Status.WAITLISTED, timezone.now()
        try:
            with transaction.atomic():
                enrollment.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"client": f"{client.display_name} is already in this group or on its waitlist."}
            ) from exc
        _audit(actor, enrollment, None)
        if enrollment.status == Status.ACTIVE:
            group_reminders_sync(group=group)
    return enrollment


def group_leave(
    *, actor: User, enrollment: GroupEnrollment, on_date: date | None = None
) -> GroupEnrollment:
    """End a place (or a waitlist place); the freed place goes to the first on the waitlist."""
    group = enrollment.group
    if not can_book_session(actor, group.program_id):
        raise PermissionDenied("You cannot change this program's groups.")
    if enrollment.status == Status.ENDED:
        raise ValidationError({"status": "The client already left this group."})
    on_date = on_date or local_today(group.program.time_zone)
    with transaction.atomic():
        _lock_group(group)
        before = enrollment.status
        enrollment.status = Status.ENDED
        enrollment.ended_on = on_date
        enrollment.save(update_fields=["status", "ended_on"])
        _audit(actor, enrollment, before)
        waitlist_fill(group=group, on_date=on_date, actor=actor)
        group_reminders_sync(group=group)
    return enrollment


def waitlist_fill(
    *, group: Group, on_date: date | None = None, actor: User | None = None
) -> list[GroupEnrollment]:
    """Promote the longest-waiting clients into free places. Runs in the caller's transaction."""
    on_date = on_date or local_today(group.program.time_zone)
    with transaction.atomic():
        _lock_group(group)
        free = group.capacity - group.enrollments.filter(status=Status.ACTIVE).count()
        if free <= 0:
            return []
        waiting = list(
            group.enrollments.filter(status=Status.WAITLISTED)
            .select_related("client")
            .order_by("waitlisted_at", "id")[:free]
        )
        for enrollment in waiting:
            enrollment.status, enrollment.joined_on = Status.ACTIVE, on_date
            enrollment.save(update_fields=["status", "joined_on"])
            _audit(actor, enrollment, Status.WAITLISTED)
    return waiting


def enrollments_end_for_episode(*, episode, actor: User | None = None) -> list[GroupEnrollment]:
    """When an episode finishes and the client has no other active episode in that program,
    their places (and waitlist places) in its groups end; freed places go to the waitlist."""
    if episode_active_exists(client_id=episode.client_id, program_id=episode.program_id):
        return []
    open_ = list(
        GroupEnrollment.objects.filter(
            client_id=episode.client_id,
            group__program_id=episode.program_id,
            status__in=[Status.ACTIVE, Status.WAITLISTED],
        ).select_related("group", "group__program", "client")
    )
    ended = []
    with transaction.atomic():
        for enrollment in open_:
            _lock_group(enrollment.group)
            before = enrollment.status
            enrollment.status = Status.ENDED
            enrollment.ended_on = episode.end_date or local_today(episode.program.time_zone)
            enrollment.save(update_fields=["status", "ended_on"])
            _audit(actor, enrollment, before)
            waitlist_fill(group=enrollment.group, actor=actor)
            group_reminders_sync(group=enrollment.group)
            ended.append(enrollment)
    return ended
