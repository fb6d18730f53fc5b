"""Reads of a person's own notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from recoverypath.core.params import Reach

from .models import Channel, Notification, Reminder

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first."""
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP).order_by(
        "-created_at", "-id"
    )


# What a notification id in a request body may name: the caller's own notifications.
NOTIFICATIONS = Reach(Notification, lambda user: notification_list_for_user(user=user))


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at=None).count()


def reminders_pending(*, dedup_keys: list[str]) -> list[Reminder]:
    """The scheduled (not yet sent or cancelled) reminders with these dedup keys."""
    return list(Reminder.objects.filter(dedup_key__in=dedup_keys, status=Reminder.Status.SCHEDULED))


def recipients_by_id(*, user_ids: set[int]) -> dict[int, User]:
    """{id: user} of the active people named, with what notification_queue reads of each
    (their preferences, their client record for a text message, the zone of their quiet hours),
    in two queries whatever their number."""
    from recoverypath.accounts.models import User
    from recoverypath.accounts.selectors import display_zones_load

    people = {
        person.id: person
        for person in User.objects.filter(id__in=user_ids, is_active=True).select_related(
            "notification_preference", "client_record"
        )
    }
    display_zones_load(list(people.values()))
    return people
