"""Writing notification rows: one per channel the recipient chose, delivered after commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from recoverypath.accounts.languages import recipient_language, supported_language
from recoverypath.core.bulk import bulk_insert_rows
from recoverypath.core.phones import normalize_phone

from ..channels import transport_for
from ..messages import absolute_link, render_message, templates_cached
from ..models import Channel, Notification, NotificationPreference
from ..selectors import recipients_by_id
from .preferences import channels_for, preference_for, quiet_hours_end

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

logger = logging.getLogger(__name__)


def notification_queue(
    *,
    recipient: User | None,
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
    Every channel's subject and body are written in the recipient's language
    (`recipient_language`). Returns the rows (none for an inactive recipient).
    """
    if recipient is None or not recipient.is_active:
        return []
    now = timezone.now()
    rows = _rows(
        recipient,
        preference_for(recipient),
        template=template,
        context=context,
        link=link,
        critical=critical,
        channels=channels,
        source=source,
        now=now,
    )
    if not rows:
        return []
    Notification.objects.bulk_create(rows)
    _enqueue_due(rows, now)
    return rows


def _rows(
    recipient: User,
    preference: NotificationPreference | None,
    *,
    template: str,
    context: dict[str, Any] | None,
    link: str,
    critical: bool,
    channels: list[str] | None,
    source: models.Model | None,
    now: datetime,
) -> list[Notification]:
    """The unsaved rows of one notice to one person: one per channel that can reach them."""
    chosen = channels if channels is not None else channels_for(preference=preference)
    zone = recipient.display_time_zone or settings.TIME_ZONE
    quiet_until = None if critical else quiet_hours_end(preference=preference, zone=zone, now=now)
    rows: list[Notification] = []
    for channel in chosen:
        transport = transport_for(channel)
        address = transport.address(recipient, preference)
        if not transport.delivers_on_write and not address:
            continue
        with translation.override(recipient_language(recipient)):
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
    return rows


def _enqueue_due(rows: list[Notification], now: datetime, *, many: bool = False) -> None:
    """Enqueue after commit the rows due now (not held back by quiet hours); `many`: in tasks
    of ENQUEUE_CHUNK rows each instead of one task per row."""
    due = [
        row.id
        for row in rows
        if row.status == Notification.Status.QUEUED
        and row.next_attempt_at is not None
        and row.next_attempt_at <= now
    ]
    if due and many:
        transaction.on_commit(lambda: enqueue_many(due))
    elif due:
        transaction.on_commit(lambda: enqueue(due))


ENQUEUE_CHUNK = 100


def enqueue_many(notification_ids: list[int]) -> None:
    from ..tasks import notifications_deliver_many_task

    for start in range(0, len(notification_ids), ENQUEUE_CHUNK):
        try:
            notifications_deliver_many_task(notification_ids[start : start + ENQUEUE_CHUNK])
        except Exception:  # the queue is down: the periodic sweep delivers the rows instead
            logger.exception("Could not enqueue %s notifications", len(notification_ids))


@dataclass(frozen=True)
class Notice:
    """One notice for `notifications_queue_bulk`: the arguments of notification_queue."""

    recipient_id: int
    template: str
    context: dict[str, Any]
    link: str = ""
    critical: bool = False
    source: models.Model | None = None


def notifications_queue_bulk(notices: list[Notice]) -> dict[int, list[Notification]]:
    """`notification_queue` for many notices at once (a nightly job's alerts): the recipients
    and their preferences in one query, every row in one INSERT, delivery enqueued after
    commit. Same rows, channels, quiet hours and addresses as one call per notice. Returns
    {index of the notice: its rows}."""
    if not notices:
        return {}
    people = recipients_by_id(user_ids={n.recipient_id for n in notices})
    now = timezone.now()
    by_notice: dict[int, list[Notification]] = {}
    with templates_cached():
        for index, notice in enumerate(notices):
            person = people.get(notice.recipient_id)
            if person is None:
                continue
            by_notice[index] = _rows(
                person,
                preference_for(person),
                template=notice.template,
                context=notice.context,
                link=notice.link,
                critical=notice.critical,
                channels=None,
                source=notice.source,
                now=now,
            )
    rows = [row for group in by_notice.values() for row in group]
    if rows:
        bulk_insert_rows(rows)
        _enqueue_due(rows, now, many=True)
    return by_notice


def notification_text_queue(
    *,
    phone: str,
    template: str,
    external: dict[str, str] | None = None,
    critical: bool = False,
    source: models.Model | None = None,
    language: str | None = None,
) -> Notification:
    """Queue one text message to a number that belongs to no user (a client's support contact,
    texted at the client's own request). `external` holds the only words of context the text may
    carry. Runs in the caller's transaction; sent after commit, at once (no quiet hours apply:
    the person asked for now). `language`: what the text is written in (the asking client's;
    default the site's). Raises ValidationError for a number that is not a phone."""
    number = normalize_phone(phone)
    if not number:
        raise ValidationError({"phone": _("There is no number to text.")})
    with translation.override(supported_language(language)):
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
    transaction.on_commit(lambda: enqueue([row.id]))
    return row


def enqueue(notification_ids: list[int], eta: datetime | None = None) -> None:
    from ..tasks import notification_deliver_task

    for notification_id in notification_ids:
        try:
            if eta is None:
                notification_deliver_task(notification_id)
            else:
                notification_deliver_task.schedule((notification_id,), eta=eta)
        except Exception:  # the queue is down: the periodic sweep delivers the row instead
            logger.exception("Could not enqueue notification %s", notification_id)
