"""Writes for notifications and reminders.

Delivery contract (healthchecks' claim, Zulip's after-commit):
1. `notification_queue` writes one row per channel inside the caller's transaction and enqueues
   delivery only after commit; if the queue is down the periodic sweep still finds the row.
2. `notification_deliver` claims the row with a conditional UPDATE (status queued, due, no live
   claim) that also counts the attempt; only the worker whose UPDATE matched sends.
3. Success marks the row sent; failure keeps it queued with `next_attempt_at` doubled each time,
   until NOTIFICATION_MAX_ATTEMPTS, then failed. Nothing is deleted.
4. A worker that dies holding a claim before it calls the provider loses the claim after
   NOTIFICATION_CLAIM_SECONDS; the sweep then sends the row once.
5. Before the provider call the row is marked `sending` (committed). A worker that dies during
   the call leaves it so; `notifications_recover_sending` asks the provider by message id and
   marks it sent, queues it again only if the provider confirms it never got it, or marks it
   `unknown` for a person to check. It is never sent again blindly.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import ConflictError
from recoverypath.core.phones import normalize_phone

from .channels import DeliveryError, transport_for
from .messages import absolute_link, render_message
from .models import Channel, Notification, NotificationPreference, Reminder

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = (Channel.IN_APP, Channel.EMAIL)
RETRY_CAP = timedelta(hours=1)


# --- Preferences -----------------------------------------------------------------------------


def preference_for(user) -> NotificationPreference | None:
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return None


def channels_for(*, preference: NotificationPreference | None) -> list[str]:
    if preference is None:
        return list(DEFAULT_CHANNELS)
    return [c for c in (Channel.IN_APP, Channel.EMAIL, Channel.SMS) if getattr(preference, c)]


def quiet_hours_end(
    *, preference: NotificationPreference | None, zone: str, now: datetime
) -> datetime | None:
    """When the recipient's quiet hours end if `now` falls inside them, else None."""
    if preference is None or preference.quiet_hours_start is None:
        return None
    start, end = preference.quiet_hours_start, preference.quiet_hours_end
    if start == end or end is None:
        return None
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    t = local.time()
    if start < end:
        if not (start <= t < end):
            return None
        end_date = local.date()
    else:  # overnight, e.g. 21:00-07:00
        if not (t >= start or t < end):
            return None
        end_date = local.date() + timedelta(days=1) if t >= start else local.date()
    return datetime.combine(end_date, end, tzinfo=tz).astimezone(UTC)


def preference_update(
    *,
    actor,
    email: bool,
    sms: bool,
    in_app: bool,
    phone: str = "",
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
) -> NotificationPreference:
    """Save the actor's own preferences. Raises ValidationError."""
    errors: dict[str, str] = {}
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    if sms and not phone and "phone" not in errors:
        errors["phone"] = "Enter a mobile number to receive text messages."
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        errors["quiet_hours_end"] = "Give both a start and an end for quiet hours, or neither."
    if not (email or sms or in_app):
        errors["in_app"] = "Choose at least one way to hear from RecoveryPath."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.update_or_create(
            user=actor,
            defaults={
                "email": email,
                "sms": sms,
                "in_app": in_app,
                "phone": phone,
                "quiet_hours_start": quiet_hours_start,
                "quiet_hours_end": quiet_hours_end,
            },
        )
    return preference


# --- Queueing and delivery -------------------------------------------------------------------


def notification_queue(
    *,
    recipient,
    template: str,
    context: dict[str, Any] | None = None,
    link: str = "",
    critical: bool = False,
    channels: list[str] | None = None,
    source: models.Model | None = None,
) -> list[Notification]:
    """Write the rows for every channel the recipient chose and can be reached on.

    Runs in the caller's transaction; delivery is enqueued after commit. Non-critical e-mail and
    SMS wait for the end of the recipient's quiet hours; in-app is delivered by the write itself.
    Returns the rows (none for an inactive recipient).
    """
    if recipient is None or not recipient.is_active:
        return []
    preference = preference_for(recipient)
    chosen = channels if channels is not None else channels_for(preference=preference)
    now = timezone.now()
    zone = recipient.display_time_zone or settings.TIME_ZONE
    quiet_until = None if critical else quiet_hours_end(preference=preference, zone=zone, now=now)
    rows: list[Notification] = []
    for channel in chosen:
        transport = transport_for(channel)
        address = transport.address(recipient, preference)
        if not transport.delivers_on_write and not address:
            continue
        subject, body = render_message(
            template=template, channel=channel, context=context or {}, link=link
        )
        row = Notification(
            recipient=recipient,
            channel=channel,
            template=template,
            subject=subject[:200],
            body=body,
            link=absolute_link(link)[:500],
            address=address,
            critical=critical,
            source_type=source._meta.label_lower if source is not None else "",
            source_id=str(source.pk) if source is not None else "",
        )
        if transport.delivers_on_write:
            row.status = Notification.Status.SENT
            row.sent_at = now
            row.attempts = 1
        else:
            row.next_attempt_at = quiet_until or now
        rows.append(row)
    if not rows:
        return []
    Notification.objects.bulk_create(rows)
    due = [row.id for row in rows if row.status == Notification.Status.QUEUED and not quiet_until]
    if due:
        transaction.on_commit(lambda: _enqueue(due))
    return rows


def notification_text_queue(
    *,
    phone: str,
    template: str,
    external: dict[str, str] | None = None,
    critical: bool = False,
    source: models.Model | None = None,
) -> Notification:
    """Queue one text message to a number that belongs to no user (a client's support contact,
    texted at the client's own request). `external` holds the only words of context the text may
    carry. Runs in the caller's transaction; sent after commit, at once (no quiet hours apply:
    the person asked for now). Raises ValidationError for a number that is not a phone."""
    number = normalize_phone(phone)
    if not number:
        raise ValidationError({"phone": "There is no number to text."})
    subject, body = render_message(
        template=template, channel=Channel.SMS, context={}, link="", external=external
    )
    row = Notification.objects.create(
        recipient=None,
        channel=Channel.SMS,
        template=template,
        subject=subject[:200],
        body=body,
        address=number,
        critical=critical,
        next_attempt_at=timezone.now(),
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
    )
    transaction.on_commit(lambda: _enqueue([row.id]))
    return row


def _enqueue(notification_ids: list[int], eta: datetime | None = None) -> None:
    from .tasks import notification_deliver_task

    for notification_id in notification_ids:
        try:
            if eta is None:
                notification_deliver_task(notification_id)
            else:
                notification_deliver_task.schedule((notification_id,), eta=eta)
        except Exception:  # the queue is down: the periodic sweep delivers the row instead
            logger.exception("Could not enqueue notification %s", notification_id)


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
        _enqueue([notification_id], eta=retry_at)
    notification.refresh_from_db()
    return notification


def _claimed_row(notification_id: int) -> Notification:
    return Notification.objects.select_related("recipient").get(id=notification_id)


UNKNOWN_OUTCOME = (
    "The worker stopped during the provider call at {at:%Y-%m-%d %H:%M} UTC, and the provider "
    "cannot be asked whether the message went out. Check with the provider or the recipient, "
    "then mark it delivered or send it again."
)


def notifications_recover_sending(*, limit: int = 500) -> dict[str, int]:
    """Resolve rows left `sending` by a worker that died during the provider call.

    A row counts as abandoned once it has been `sending` for NOTIFICATION_CLAIM_SECONDS (longer
    than any provider timeout). For each, the transport is asked by message id (`lookup`):
    1. the provider has it -> `sent` (with the provider's id);
    2. the provider confirms it never got it -> `queued` again, due now (a resend is safe);
    3. the provider cannot be asked (SMTP, the console, no status URL) -> `unknown`, for a
       person to check in the admin; nothing is sent again.
    Returns counts per outcome.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS)
    rows = list(
        Notification.objects.filter(status=Notification.Status.SENDING, sending_at__lt=cutoff)
        .select_related("recipient")
        .order_by("sending_at", "id")[:limit]
    )
    counts = {"sent": 0, "queued": 0, "unknown": 0}
    for row in rows:
        stuck = Notification.objects.filter(
            id=row.id, status=Notification.Status.SENDING, attempts=row.attempts
        )
        transport = transport_for(row.channel)
        lookup = getattr(transport, "lookup", None)
        try:
            found = lookup(row) if lookup is not None else None
        except DeliveryError as exc:
            logger.warning("Notification %s: provider lookup failed: %s", row.id, exc)
            continue  # asked again on the next run
        except Exception:  # a bug in a lookup must not stop the others from being settled
            logger.exception("Notification %s: provider lookup error", row.id)
            continue
        if found is not None and found.delivered:
            outcome = "sent"
            changed = stuck.update(
                status=Notification.Status.SENT,
                sent_at=now,
                provider_message_id=(found.message_id or "")[:200],
                last_error="",
            )
        elif found is not None:
            outcome = "queued"
            changed = stuck.update(
                status=Notification.Status.QUEUED,
                next_attempt_at=now,
                last_error="The worker stopped while sending; the provider confirmed it never "
                "received the message, so it is sent again.",
            )
        else:
            outcome = "unknown"
            changed = stuck.update(
                status=Notification.Status.UNKNOWN,
                last_error=UNKNOWN_OUTCOME.format(at=row.sending_at.astimezone(UTC)),
            )
        if changed:
            counts[outcome] += 1
            logger.warning("Notification %s left sending by a dead worker: %s", row.id, outcome)
    return counts


def notification_resolve_unknown(*, actor, notification_ids: list[int], delivered: bool) -> int:
    """A person's verdict on rows whose outcome was unknown: delivered (-> sent) or not (->
    queued again, due now). Only `unknown` rows change. Returns how many changed."""
    now = timezone.now()
    rows = Notification.objects.filter(id__in=notification_ids, status=Notification.Status.UNKNOWN)
    who = getattr(actor, "email", "") or "staff"
    if delivered:
        values = {
            "status": Notification.Status.SENT,
            "sent_at": now,
            "last_error": f"Checked by {who}: delivered.",
        }
    else:
        values = {
            "status": Notification.Status.QUEUED,
            "next_attempt_at": now,
            "last_error": f"Checked by {who}: not delivered, sent again.",
        }
    with transaction.atomic():
        ids = list(rows.select_for_update().values_list("id", flat=True))
        changed = Notification.objects.filter(id__in=ids).update(**values)
        for notification_id in ids:
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                object_type="notifications.notification",
                object_id=str(notification_id),
                changes={"status": ["unknown", values["status"]]},
            )
    if not delivered and ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return changed


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


def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own in-app notifications read (all unread if no ids). Returns the count."""
    qs = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at=None)
    if notification_ids is not None:
        qs = qs.filter(id__in=notification_ids)
    return qs.update(read_at=timezone.now())


# --- Reminders -------------------------------------------------------------------------------


def _reminder_time(at: datetime, *, zone: str) -> datetime:
    """An aware datetime is a moment; a naive one is wall-clock time in the recipient's zone."""
    if timezone.is_aware(at):
        return at.astimezone(UTC)
    return at.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def reminder_schedule(
    *, recipient, at: datetime, template: str, context: dict, dedup_key: str = ""
) -> Reminder:
    """Persist a reminder to send to `recipient` at `at`.

    `at` is an aware datetime, or a naive one meaning wall-clock time in the recipient's own time
    zone. With a `dedup_key`, scheduling again while the reminder is pending moves it instead of
    adding another. `context["link"]` (a path or URL) is what the message points to; e-mail and
    SMS carry only that link. Raises ValidationError.
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
        try:
            with transaction.atomic():
                return Reminder.objects.create(recipient=recipient, dedup_key=dedup_key, **values)
        except IntegrityError:  # a concurrent schedule with the same key won
            pending = _pending_reminder(recipient=recipient, dedup_key=dedup_key)
            if pending is None:
                raise
            return _reminder_move(pending, values)


def _pending_reminder(*, recipient, dedup_key: str) -> Reminder | None:
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
    """Turn every due reminder into notifications, each exactly once. Returns how many."""
    now = timezone.now()
    ids = list(
        Reminder.objects.filter(status=Reminder.Status.SCHEDULED, at__lte=now)
        .order_by("at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    for reminder_id in ids:
        with transaction.atomic():
            claimed = Reminder.objects.filter(
                id=reminder_id, status=Reminder.Status.SCHEDULED
            ).update(status=Reminder.Status.SENT, sent_at=now)
            if not claimed:
                continue
            reminder = Reminder.objects.select_related("recipient").get(id=reminder_id)
            notification_queue(
                recipient=reminder.recipient,
                template=reminder.template,
                context=reminder.context,
                link=str(reminder.context.get("link", "")),
                source=reminder,
            )
            sent += 1
    return sent
