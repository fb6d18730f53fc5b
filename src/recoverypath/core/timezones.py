from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils import timezone

_ZONES = frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _ZONES:
        raise ValidationError(f"{value!r} is not a known time zone (e.g. America/Chicago).")


def is_time_zone(value: str) -> bool:
    return value in _ZONES


def zone_or_utc(value: str) -> str:
    """`value` when it is a known zone, else "UTC": for checks that run while the zone itself
    may still be invalid (its own validator reports that)."""
    return value if value in _ZONES else "UTC"


US_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
)


def time_zone_choices() -> list[tuple[str, str]]:
    """The US zones first (where our programs are), then every other IANA zone."""
    rest = sorted(_ZONES - set(US_ZONES))
    return [(z, z.replace("_", " ")) for z in (*US_ZONES, *rest)]


def local_today(zone: str) -> date:
    return timezone.now().astimezone(ZoneInfo(zone)).date()


def local_date(moment: datetime, zone: str) -> date:
    """The day `moment` falls on in `zone` (e.g. the client's, for a client's timeline)."""
    return moment.astimezone(ZoneInfo(zone)).date()


def local_now(zone: str) -> datetime:
    return timezone.now().astimezone(ZoneInfo(zone))
