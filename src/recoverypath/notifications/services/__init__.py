"""Writes for notifications and reminders, by subject.

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

Modules: `preferences` (channels, quiet hours), `queueing` (writing rows), `delivery` (the
worker's claim and send), `recovery` (rows a dead worker left `sending`), `inbox` (reading
in-app notifications), `reminders`, `reminder_settings` (a program's reminders on/off and times).
"""

from .delivery import RETRY_CAP, notification_deliver, notifications_deliver_due, retry_delay
from .inbox import notification_mark_read
from .preferences import channels_for, preference_for, preference_update, quiet_hours_end
from .queueing import Notice, notification_queue, notification_text_queue, notifications_queue_bulk
from .recovery import UNKNOWN_OUTCOME, notification_resolve_unknown, notifications_recover_sending
from .reminder_settings import reminder_settings_update
from .reminders import (
    reminder_cancel,
    reminder_schedule,
    reminders_cancel_by_key,
    reminders_cancel_by_prefix,
    reminders_send_due,
)

__all__ = [
    "RETRY_CAP",
    "UNKNOWN_OUTCOME",
    "Notice",
    "channels_for",
    "notification_deliver",
    "notification_mark_read",
    "notification_queue",
    "notification_resolve_unknown",
    "notification_text_queue",
    "notifications_deliver_due",
    "notifications_queue_bulk",
    "notifications_recover_sending",
    "preference_for",
    "preference_update",
    "quiet_hours_end",
    "reminder_cancel",
    "reminder_schedule",
    "reminder_settings_update",
    "reminders_cancel_by_key",
    "reminders_cancel_by_prefix",
    "reminders_send_due",
    "retry_delay",
]
