"""A group's recurrence in words for people: "Tuesdays and Fridays, 9:00-12:00", never RRULE text.

python-dateutil parses the rule (the same parser that generates the sessions); weekly rules with
days are described exactly, a daily rule as "Every day", anything else falls back to a plain
description of how often it repeats."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

DAY_PLURALS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FREQUENCY_WORDS = {YEARLY: "yearly", MONTHLY: "monthly", WEEKLY: "weekly", DAILY: "daily"}


def _and_list(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _clock(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def time_range_in_words(start_time: time, duration_minutes: int) -> str:
    """'9:00-12:00' (wall time; an end past midnight reads as the next day's clock)."""
    end = (
        datetime.combine(date(2026, 1, 1), start_time) + timedelta(minutes=duration_minutes)
    ).time()
    return f"{_clock(start_time)}-{_clock(end)}"


def _days_in_words(rule: rrule) -> str | None:
    """The part before the time, or None when the rule is not one we describe exactly."""
    if rule._bysetpos or rule._bymonth or rule._bymonthday or rule._byyearday:
        return None
    if rule._byweekno or rule._bynweekday or rule._byeaster:
        return None
    interval = rule._interval
    days = sorted(rule._byweekday or ())
    if rule._freq == DAILY and interval == 1 and (not days or len(days) == 7):
        return "Every day"
    if rule._freq != WEEKLY or not days:
        return None
    if len(days) == 7:
        return "Every day" if interval == 1 else None
    if interval == 1:
        if days == [0, 1, 2, 3, 4]:
            return "Weekdays"
        return _and_list([DAY_PLURALS[d] for d in days])
    every = "Every other week" if interval == 2 else f"Every {interval} weeks"
    return f"{every} on {_and_list([DAY_NAMES[d] for d in days])}"


def schedule_in_words(
    *, rule: str, start_date: date, start_time: time, duration_minutes: int
) -> str:
    """E.g. "Tuesdays and Fridays, 9:00-12:00"; "Repeats monthly, 9:00-12:00" for a rule we do not
    describe exactly; "Custom schedule, 9:00-12:00" for one that does not parse."""
    hours = time_range_in_words(start_time, duration_minutes)
    try:
        parsed = rrulestr(
            rule.removeprefix("RRULE:"),
            dtstart=datetime.combine(start_date, start_time),
        )
    except (ValueError, TypeError):
        return f"Custom schedule, {hours}"
    if not isinstance(parsed, rrule):
        return f"Custom schedule, {hours}"
    days = _days_in_words(parsed)
    if days is None:
        frequency = FREQUENCY_WORDS.get(parsed._freq)
        days = f"Repeats {frequency}" if frequency else "Custom schedule"
    return f"{days}, {hours}"
