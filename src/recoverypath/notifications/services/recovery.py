"""Rows a worker left `sending` when it died during the provider call, and a person's verdict on
those whose outcome nobody can tell."""

from __future__ import annotations

import logging
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from recoverypath.core.audit import Action, audit_record

from ..channels import DeliveryError, transport_for
from ..models import Notification
from .queueing import enqueue

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

logger = logging.getLogger(__name__)


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
                last_error=UNKNOWN_OUTCOME.format(at=(row.sending_at or now).astimezone(UTC)),
            )
        if changed:
            counts[outcome] += 1
            logger.warning("Notification %s left sending by a dead worker: %s", row.id, outcome)
    return counts


def notification_resolve_unknown(
    *, actor: User, notification_ids: list[int], delivered: bool
) -> int:
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
        transaction.on_commit(lambda: enqueue(ids))
    return changed
