"""What each kind of reminder does when a program has not changed it, and the limits of a change.

Every kind is on by default. A kind with a lead time (`lead_minutes`) goes that long before the
event; a kind with a time of day (`send_time`) goes then, in the recipient's own time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import models


class ReminderKind(models.TextChoices):
    """The reminders a program can switch on or off (and, where it has one, set the time of)."""

    SESSION_DAY_BEFORE = "session_day_before", "Sessions and appointments: the day before"
    SESSION_HOUR_BEFORE = "session_hour_before", "Sessions and appointments: shortly before"
    CHECK_IN_DAILY = "check_in_daily", "Daily check-in (at the time each client chooses)"
    CHECK_IN_MISSED = "check_in_missed", "Missed check-in: a nudge the next morning"
    ASSESSMENT_DUE = "assessment_due", "Questionnaires due"
    COORDINATOR_CHECK_IN = "coordinator_check_in", "Coordinator check-ins (client and coordinator)"


@dataclass(frozen=True)
class ReminderConfig:
    kind: str
    enabled: bool
    lead_minutes: int | None = None
    send_time: time | None = None

    @property
    def lead(self) -> timedelta:
        return timedelta(minutes=self.lead_minutes or 0)

    def before(self, moment: datetime, zone: str) -> datetime:
        """When to remind of `moment`: a lead of whole days keeps the wall-clock time in `zone`
        (the day before a 10:00 session is 10:00, even across a change of daylight saving
        time); any other lead is that many minutes before."""
        lead = self.lead
        if lead and lead % timedelta(days=1) == timedelta(0):
            tz = ZoneInfo(zone)
            local = moment.astimezone(tz).replace(tzinfo=None) - lead
            return local.replace(tzinfo=tz).astimezone(UTC)
        return moment - lead


DEFAULTS: dict[str, ReminderConfig] = {
    ReminderKind.SESSION_DAY_BEFORE: ReminderConfig(
        ReminderKind.SESSION_DAY_BEFORE, True, lead_minutes=24 * 60
    ),
    ReminderKind.SESSION_HOUR_BEFORE: ReminderConfig(
        ReminderKind.SESSION_HOUR_BEFORE, True, lead_minutes=60
    ),
    ReminderKind.CHECK_IN_DAILY: ReminderConfig(ReminderKind.CHECK_IN_DAILY, True),
    ReminderKind.CHECK_IN_MISSED: ReminderConfig(
        ReminderKind.CHECK_IN_MISSED, True, send_time=time(9, 0)
    ),
    ReminderKind.ASSESSMENT_DUE: ReminderConfig(ReminderKind.ASSESSMENT_DUE, True),
    ReminderKind.COORDINATOR_CHECK_IN: ReminderConfig(
        ReminderKind.COORDINATOR_CHECK_IN, True, lead_minutes=24 * 60
    ),
}

# (lowest, highest) lead time in minutes, for the kinds that have one.
LEAD_LIMITS: dict[str, tuple[int, int]] = {
    ReminderKind.SESSION_DAY_BEFORE: (60, 3 * 24 * 60),
    ReminderKind.SESSION_HOUR_BEFORE: (10, 12 * 60),
    ReminderKind.COORDINATOR_CHECK_IN: (60, 3 * 24 * 60),
}


def has_lead(kind: str) -> bool:
    return DEFAULTS[kind].lead_minutes is not None


def has_send_time(kind: str) -> bool:
    return DEFAULTS[kind].send_time is not None
