"""Reminder checks: the last look an app takes at a reminder it scheduled, at send time.

An app that schedules reminders whose reason can go away (a session cancelled, a check-in already
done) registers one check for the dedup-key prefix it uses:

    register_reminder_check("scheduling:session:", session_reminder_wanted)

The reminder worker (`notifications.services.reminders_send_due`) calls the check of the longest
matching prefix with the reminder's dedup key and recipient id just before sending; False cancels
the reminder instead. A reminder whose key no check claims is sent. Belt and braces: the owning
app also cancels reminders when their reason goes away; the check catches what that missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from . import Hook


class ReminderWanted(Protocol):
    def __call__(self, *, dedup_key: str, recipient_id: int) -> bool: ...


@dataclass(frozen=True)
class ReminderCheck:
    prefix: str
    wanted: ReminderWanted


reminder_checks: Hook[ReminderCheck] = Hook(
    "reminder checks", "Whether a scheduled reminder is still wanted at send time, by key prefix"
)


def register_reminder_check(prefix: str, wanted: ReminderWanted, *, order: int = 100) -> None:
    reminder_checks.register(ReminderCheck(prefix, wanted), order=order, key=prefix)


def reminder_wanted(*, dedup_key: str, recipient_id: int) -> bool:
    """The verdict of the check registered for the longest prefix of `dedup_key` (True when none
    claims it)."""
    matching = [c for c in reminder_checks.entries() if dedup_key.startswith(c.prefix)]
    if not dedup_key or not matching:
        return True
    check = max(matching, key=lambda c: len(c.prefix))
    return bool(check.wanted(dedup_key=dedup_key, recipient_id=recipient_id))
