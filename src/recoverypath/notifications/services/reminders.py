"""Reminders: a message to send to someone at a moment, sent once by the worker, or cancelled."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from recoverypath.core.errors import ConflictError
from recoverypath.core.hooks.reminders import reminder_wanted

from ..language import recipient_language
from ..models import Reminder
from .queueing import notification_queue

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

logger = logging.getLogger(__name__)


def _reminder_time(at: datetime, *, zone: str) -> datetime:
    """An aware datetime is a moment; a naive one is wall-clock time in the recipient's zone."""
    if timezone.is_aware(at):
        return at.astimezone(UTC)
    return at.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def reminder_schedule(
    *,
    recipient: User,
    at: datetime,
    template: str,
    context: dict,
    dedup_key: str = "",
    once: bool = False,
) -> Reminder:
    """Persist a reminder to send to `recipient` at `at`.

    `at` is an aware datetime, or a naive one meaning wall-clock time in the recipient's own time
    zone. With a `dedup_key`, scheduling again while the reminder is pending moves it instead of
    adding another; with `once` as well, a key already sent is not scheduled again (the sent
    reminder is returned): for keys that name one occurrence, such as a day. `context["link"]`
    (a path or URL) is what the message points to; e-mail and SMS carry only that link. Raises
    ValidationError.
    """
    if not template or len(template) > 100:
        raise ValidationError({"template": "Name a message template (at most 100 characters)."})
    context = dict(context or {})
    try:
        json.dumps(context)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"context": "The context must be plain JSON data."}) from exc
    zone = recipient.display_time_zone or settings.TIME_ZONE
    moment = _reminder_time(at, zone=zone)
    values = {"at": moment, "template": template, "context": context}
    with transaction.atomic():
        if dedup_key:
            pending = _pending_reminder(recipient=recipient, dedup_key=dedup_key)
            if pending is not None:
                return _reminder_move(pending, values)
            if once:
                sent = Reminder.objects.filter(
                    recipient=recipient, dedup_key=dedup_key, status=Reminder.Status.SENT
                ).first()
                if sent is not None:
                    return sent
        try:
            with transaction.atomic():
                return Reminder.objects.create(recipient=recipient, dedup_key=dedup_key, **values)
        except IntegrityError:  # a concurrent schedule with the same key won
            pending = _pending_reminder(recipient=recipient, dedup_key=dedup_key)
            if pending is None:
                raise
            return _reminder_move(pending, values)


def _pending_reminder(*, recipient: User, dedup_key: str) -> Reminder | None:
    return (
        Reminder.objects.select_for_update()
        .filter(recipient=recipient, dedup_key=dedup_key, status=Reminder.Status.SCHEDULED)
        .first()
    )


def _reminder_move(reminder: Reminder, values: dict[str, Any]) -> Reminder:
    for name, value in values.items():
        setattr(reminder, name, value)
    reminder.save(update_fields=list(values))
    return reminder


def reminder_cancel(*, reminder: Reminder) -> Reminder:
    """Cancel a pending reminder (cancelling twice is harmless). ConflictError if already sent."""
    now = timezone.now()
    Reminder.objects.filter(id=reminder.id, status=Reminder.Status.SCHEDULED).update(
        status=Reminder.Status.CANCELLED, cancelled_at=now
    )
    reminder.refresh_from_db()
    if reminder.status == Reminder.Status.SENT:
        raise ConflictError("This reminder has already been sent.")
    return reminder


def reminders_send_due(*, limit: int = 500) -> int:
    """Turn every due reminder into notifications, each exactly once. Returns how many.

    1. Each due reminder is asked, by its dedup key, whether it is still wanted (the check the
       owning app registered in core.hooks.reminders: the session is still on, the day's
       check-in not yet done).
    2. It is claimed with a conditional UPDATE from scheduled to sent (or to cancelled when no
       longer wanted): only the worker whose UPDATE matched goes on, so two workers never send it
       twice.
    3. Its notifications are written in the recipient's language, in the same transaction.
    """
    now = timezone.now()
    due = list(
        Reminder.objects.filter(status=Reminder.Status.SCHEDULED, at__lte=now)
        .order_by("at", "id")
        .values_list("id", "dedup_key", "recipient_id")[:limit]
    )
    sent = 0
    for reminder_id, dedup_key, recipient_id in due:
        try:
            wanted = reminder_wanted(dedup_key=dedup_key, recipient_id=recipient_id)
        except Exception:  # one app's failing check must not hold up everyone's reminders
            logger.exception("Reminder check failed for %s; tried again later", reminder_id)
            continue
        with transaction.atomic():
            pending = Reminder.objects.filter(id=reminder_id, status=Reminder.Status.SCHEDULED)
            if not wanted:
                pending.update(status=Reminder.Status.CANCELLED, cancelled_at=now)
                continue
            if not pending.update(status=Reminder.Status.SENT, sent_at=now):
                continue
            reminder = Reminder.objects.select_related("recipient").get(id=reminder_id)
            with translation.override(recipient_language(reminder.recipient)):
                notification_queue(
                    recipient=reminder.recipient,
                    template=reminder.template,
                    context=reminder.context,
                    link=str(reminder.context.get("link", "")),
                    source=reminder,
                )
            sent += 1
    return sent


def reminders_cancel_by_key(*, recipient: User | None = None, dedup_keys: list[str]) -> int:
    """Cancel every pending reminder with one of `dedup_keys` (of `recipient` when given), for
    apps that scheduled them by key and no longer hold the rows. Returns how many."""
    pending = Reminder.objects.filter(dedup_key__in=dedup_keys, status=Reminder.Status.SCHEDULED)
    if recipient is not None:
        pending = pending.filter(recipient=recipient)
    cancelled = 0
    for reminder in pending:
        reminder_cancel(reminder=reminder)
        cancelled += 1
    return cancelled


def reminders_cancel_by_prefix(
    *,
    prefix: str,
    recipient_ids: list[int] | None = None,
    keep_recipient_ids: list[int] | None = None,
    due_after: datetime | None = None,
) -> int:
    """Cancel every pending reminder whose dedup key starts with `prefix` (e.g. all of one
    session's): of `recipient_ids` when given, except those of `keep_recipient_ids`, and only
    those due after `due_after` when given. Returns how many."""
    if not prefix:
        raise ValueError("Name a key prefix.")
    pending = Reminder.objects.filter(
        dedup_key__startswith=prefix, status=Reminder.Status.SCHEDULED
    )
    if recipient_ids is not None:
        pending = pending.filter(recipient_id__in=recipient_ids)
    if keep_recipient_ids:
        pending = pending.exclude(recipient_id__in=keep_recipient_ids)
    if due_after is not None:
        pending = pending.filter(at__gt=due_after)
    return pending.update(status=Reminder.Status.CANCELLED, cancelled_at=timezone.now())
