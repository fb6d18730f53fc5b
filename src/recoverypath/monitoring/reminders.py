"""Check-in reminders (the writes of the monitoring app's reminders).

- The daily reminder: at the time the client chose (`NotificationPreference.
  check_in_reminder_time`), wall-clock in their own time zone, so it stays at 20:00 local across a
  change of daylight saving time. Key `monitoring:check-in:<client id>:<local day>`.
- The missed check-in nudge: the next morning at the program's time (09:00 by default) when the
  day went by without a check-in, for clients in an active episode of care. Kind words, no health
  information outside the app. Key `monitoring:check-in-missed:<client id>:<the day missed>`.

Both are scheduled ahead by a periodic sweep (`check_in_reminders_schedule`, idempotent: a key
already scheduled at the same moment is left alone, a key already sent is never sent again) and
looked at once more at send time (`check_in_reminder_wanted`): a day already checked in, a
reminder switched off (by the client or the program) or a recipient who is no longer the
client's login sends nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from recoverypath.notifications.reminder_config import ReminderConfig, ReminderKind
from recoverypath.notifications.selectors import (
    reminder_configs,
    reminder_configs_many,
    reminders_live_by_key,
)
from recoverypath.notifications.services import reminder_schedule

from .selectors import (
    CheckInReminderTarget,
    check_in_done_on,
    check_in_reminder_targets,
    client_for_check_in_reminder,
    client_registered_on,
)

DAILY_PREFIX = "monitoring:check-in:"
MISSED_PREFIX = "monitoring:check-in-missed:"


def daily_key(client_id: int, day: date) -> str:
    return f"{DAILY_PREFIX}{client_id}:{day.isoformat()}"


def missed_key(client_id: int, day: date) -> str:
    return f"{MISSED_PREFIX}{client_id}:{day.isoformat()}"


def _zone(target: CheckInReminderTarget) -> ZoneInfo:
    # The zone reminder_schedule reads naive times in: the recipient's own.
    return ZoneInfo(target.user.display_time_zone or settings.TIME_ZONE)


def _moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


def _wanted_reminders(
    target: CheckInReminderTarget, config: dict[str, ReminderConfig], now: datetime
) -> list[tuple[str, datetime, str]]:
    """(dedup key, moment, template) of the client's next daily reminder and of the nudge
    about today."""
    zone = _zone(target)
    today = now.astimezone(zone).date()
    wanted = []
    daily = config[ReminderKind.CHECK_IN_DAILY]
    if daily.enabled and target.daily_at is not None:
        day = today
        if _moment(day, target.daily_at, zone) <= now:
            day = today + timedelta(days=1)
        wanted.append(
            (
                daily_key(target.client.id, day),
                _moment(day, target.daily_at, zone),
                "monitoring.check_in_reminder",
            )
        )
    missed = config[ReminderKind.CHECK_IN_MISSED]
    if missed.enabled and missed.send_time is not None and target.in_care:
        at = _moment(today + timedelta(days=1), missed.send_time, zone)
        wanted.append((missed_key(target.client.id, today), at, "monitoring.check_in_missed"))
    return wanted


# Clients read per batch of the sweep (keyset on id): memory and the IN lists stay bounded.
SWEEP_BATCH = 1000


def check_in_reminders_schedule(*, now: datetime | None = None) -> int:
    """The periodic sweep: schedule each client's next daily check-in reminder and the nudge
    about today. Idempotent; three queries per batch of SWEEP_BATCH clients plus one write per
    reminder added or moved. Returns how many were added or moved."""
    now = now or timezone.now()
    changed = 0
    after_id = 0
    while True:
        targets = check_in_reminder_targets(after_id=after_id, limit=SWEEP_BATCH)
        if not targets:
            return changed
        after_id = targets[-1].client.id
        changed += _schedule_batch(targets, now)


def _schedule_batch(targets: list[CheckInReminderTarget], now: datetime) -> int:
    configs = reminder_configs_many(program_ids={t.client.program_id for t in targets})
    wanted: list[tuple[CheckInReminderTarget, str, datetime, str]] = []
    for target in targets:
        for key, at, template in _wanted_reminders(target, configs[target.client.program_id], now):
            wanted.append((target, key, at, template))
    existing = reminders_live_by_key(dedup_keys=[key for _, key, _, _ in wanted])
    changed = 0
    link = reverse("monitoring:check_in")
    for target, key, at, template in wanted:
        found = existing.get((target.user.id, key))
        if found is not None and (found.status == found.Status.SENT or found.at == at):
            continue
        reminder_schedule(
            recipient=target.user,
            at=at,
            template=template,
            context={"link": link},
            dedup_key=key,
            once=True,
        )
        changed += 1
    return changed


def _parse(dedup_key: str, prefix: str) -> tuple[int, date] | None:
    try:
        client_id, day = dedup_key.removeprefix(prefix).split(":", 1)
        return int(client_id), date.fromisoformat(day)
    except ValueError:
        return None


def check_in_reminder_wanted(*, dedup_key: str, recipient_id: int) -> bool:
    """At send time: the day is not checked in yet, the reminder is still on (client and
    program), and the recipient is still the client's login."""
    missed = dedup_key.startswith(MISSED_PREFIX)
    parsed = _parse(dedup_key, MISSED_PREFIX if missed else DAILY_PREFIX)
    if parsed is None:
        return False
    client_id, day = parsed
    client = client_for_check_in_reminder(client_id=client_id, user_id=recipient_id)
    if client is None:
        return False
    config = reminder_configs(program_id=client.program_id)
    if missed:
        if not config[ReminderKind.CHECK_IN_MISSED].enabled:
            return False
        if day < client_registered_on(client):
            return False
    else:
        preference = getattr(client.user, "notification_preference", None)
        if not config[ReminderKind.CHECK_IN_DAILY].enabled:
            return False
        if preference is None or preference.check_in_reminder_time is None:
            return False
    return not check_in_done_on(client_id=client_id, day=day)
