"""The worker's side: claim a due row, send it once, retry with back-off."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from ..channels import DeliveryError, transport_for
from ..models import Notification
from .queueing import enqueue

logger = logging.getLogger(__name__)

RETRY_CAP = timedelta(hours=1)


def retry_delay(attempt: int) -> timedelta:
    """Exponential back-off: base, 2x base, 4x base... at most an hour."""
    base = timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    return min(base * (2 ** max(attempt - 1, 0)), RETRY_CAP)


def _claimable(now: datetime) -> Q:
    return Q(status=Notification.Status.QUEUED, next_attempt_at__lte=now) & (
        Q(claimed_until=None) | Q(claimed_until__lt=now)
    )


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one row if it is due and nobody holds it. Returns the row, or None if not claimed.

    1. claim: conditional UPDATE of a due, unclaimed, queued row (counts the attempt);
    2. mark `sending` with the time (committed before the provider is called);
    3. call the transport; success -> `sent`, a refusal -> `queued` for a retry (or `failed`).
    A worker that dies during 3 leaves the row `sending`; `notifications_recover_sending` resolves
    it without calling the provider's send again.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(_claimable(now), id=notification_id).update(
        claimed_until=now + timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    notification = _claimed_row(notification_id)
    attempt = notification.attempts
    mine = Notification.objects.filter(
        id=notification_id, status=Notification.Status.SENDING, attempts=attempt
    )
    # The worker runs in autocommit: `sending` is committed before the provider hears of it.
    marked = Notification.objects.filter(
        id=notification_id, status=Notification.Status.QUEUED, attempts=attempt
    ).update(status=Notification.Status.SENDING, sending_at=timezone.now(), claimed_until=None)
    if not marked:
        return None
    try:
        message_id = transport_for(notification.channel).send(notification)
    except DeliveryError as exc:
        error = str(exc) or type(exc).__name__
    except Exception as exc:  # a bug in a transport must not lose the row
        logger.exception("Notification %s: transport error", notification_id)
        error = f"{type(exc).__name__}: {exc}"
    else:
        mine.update(
            status=Notification.Status.SENT,
            sent_at=timezone.now(),
            provider_message_id=(message_id or "")[:200],
            last_error="",
        )
        notification.refresh_from_db()
        return notification

    if attempt >= settings.NOTIFICATION_MAX_ATTEMPTS:
        mine.update(
            status=Notification.Status.FAILED,
            next_attempt_at=None,
            last_error=error[:2000],
        )
        logger.warning(
            "Notification %s failed after %s attempts: %s", notification_id, attempt, error
        )
    else:
        retry_at = timezone.now() + retry_delay(attempt)
        mine.update(
            status=Notification.Status.QUEUED, next_attempt_at=retry_at, last_error=error[:2000]
        )
        enqueue([notification_id], eta=retry_at)
    notification.refresh_from_db()
    return notification


def _claimed_row(notification_id: int) -> Notification:
    return Notification.objects.select_related("recipient").get(id=notification_id)


def notifications_deliver_due(*, limit: int = 500) -> int:
    """The worker's sweep: deliver every due, unclaimed row. Returns how many were sent."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(_claimable(now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    for notification_id in ids:
        result = notification_deliver(notification_id=notification_id)
        if result is not None and result.status == Notification.Status.SENT:
            sent += 1
    return sent
