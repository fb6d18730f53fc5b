"""How a person wants to hear from RecoveryPath: channels (from the channel registry) and quiet
hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from recoverypath.core.hooks.channels import channel_transports
from recoverypath.core.phones import normalize_phone

from ..models import NotificationPreference

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def preference_for(user: User) -> NotificationPreference | None:
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return None


def channel_names() -> list[str]:
    """Every registered channel, in the order they are offered and written."""
    return [transport.name for transport in channel_transports()]


def default_channels() -> list[str]:
    """The channels of someone who never saved preferences."""
    return [t.name for t in channel_transports() if t.on_by_default]


def channels_for(*, preference: NotificationPreference | None) -> list[str]:
    if preference is None:
        return default_channels()
    return [name for name in channel_names() if getattr(preference, name)]


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
    actor: User,
    phone: str = "",
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
    check_in_reminder_time: time | None = None,
    **chosen: bool,
) -> NotificationPreference:
    """Save the actor's own preferences: `chosen` says, by channel name, whether they want it
    (a channel left out: no); `check_in_reminder_time` (clients) is when to be reminded to check
    in each day, None for never. Raises ValidationError (TypeError for a channel nobody
    registered)."""
    names = channel_names()
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        raise TypeError(f"Unknown notification channel {unknown[0]!r}.")
    wanted = {name: bool(chosen.get(name, False)) for name in names}
    errors: dict[str, str] = {}
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    addresses = {"phone": phone}
    for transport in channel_transports():
        field = getattr(transport, "address_field", "")
        if wanted[transport.name] and field and not addresses.get(field) and field not in errors:
            errors[field] = getattr(transport, "address_missing", "") or "Enter an address."
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        errors["quiet_hours_end"] = "Give both a start and an end for quiet hours, or neither."
    if names and not any(wanted.values()):
        errors[names[0]] = "Choose at least one way to hear from RecoveryPath."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.update_or_create(
            user=actor,
            defaults={
                **wanted,
                "phone": phone,
                "quiet_hours_start": quiet_hours_start,
                "quiet_hours_end": quiet_hours_end,
                "check_in_reminder_time": check_in_reminder_time,
            },
        )
    return preference
