"""A person's own in-app notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from ..models import Channel, Notification

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own in-app notifications read (all unread if no ids). Returns the count."""
    qs = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at=None)
    if notification_ids is not None:
        qs = qs.filter(id__in=notification_ids)
    return qs.update(read_at=timezone.now())
