"""Sobriety arithmetic: days sober, longest streak, total sober days and milestones.

Dates here are calendar days in the client's own time zone. The current streak starts at
`Client.sobriety_date`; earlier streaks are closed `SobrietyStreak` rows (a restart after a lapse
closes the current streak on the lapse day and moves the sobriety date to the day after it).

Restart convention: a sobriety (or "clean") date is the first whole day without use, i.e. the day
after last use, as 12-step fellowships and most recovery apps count it. Counting from the lapse
day itself would show "24 hours" the next morning, when the person has not yet had a full day
without use. The client may still choose the lapse day (some count that way); the milestones
follow whichever date is stored.
Pure functions first (tested with hypothesis), then the one write: `sobriety_restart`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Subquery,
)
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.timezones import local_today

from .models import Client, SobrietyStreak

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from recoverypath.accounts.models import User


@dataclass(frozen=True)
class Milestone:
    key: str
    label: _StrOrPromise  # in the language of the page or message showing it
    reached_on: date

    def as_dict(self, *, today: date) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "date": self.reached_on.isoformat(),
            "days_to_go": max(0, (self.reached_on - today).days),
        }


# (key, label, offset from the start date). After 18 months: every year.
_FIXED: tuple[tuple[str, _StrOrPromise, relativedelta], ...] = (
    ("24h", _("24 hours"), relativedelta(days=1)),
    ("7d", _("7 days"), relativedelta(days=7)),
    ("30d", _("30 days"), relativedelta(days=30)),
    ("60d", _("60 days"), relativedelta(days=60)),
    ("90d", _("90 days"), relativedelta(days=90)),
    ("6m", _("6 months"), relativedelta(months=6)),
    ("9m", _("9 months"), relativedelta(months=9)),
    ("1y", _("1 year"), relativedelta(years=1)),
    ("18m", _("18 months"), relativedelta(months=18)),
)


def milestones_from(start: date) -> Iterator[Milestone]:
    """Every milestone of a streak starting on `start`, in order (endless: yearly after 18 m).
    Month and year offsets are calendar offsets: a Feb 29 start reaches 1 year on Feb 28."""
    for key, label, offset in _FIXED:
        yield Milestone(key, label, start + offset)
    years = 2
    while True:
        reached = start + relativedelta(years=years)
        label = ngettext_lazy("%(years)d year", "%(years)d years", years) % {"years": years}
        yield Milestone(f"{years}y", label, reached)
        years += 1


def milestones_reached(start: date, today: date) -> list[Milestone]:
    out = []
    for milestone in milestones_from(start):
        if milestone.reached_on > today:
            break
        out.append(milestone)
    return out


def milestone_next(start: date, today: date) -> Milestone:
    for milestone in milestones_from(start):
        if milestone.reached_on > today:
            return milestone
    raise AssertionError("unreachable: milestones are endless")


def days_between(start: date, today: date) -> int:
    """Whole days sober from `start` to `today` (0 on the start day, never negative)."""
    return max(0, (today - start).days)


@dataclass(frozen=True)
class SobrietySummary:
    days_sober: int | None
    longest_streak_days: int | None
    total_sober_days: int | None
    next_milestone: Milestone | None
    today: date


def sobriety_summary(
    *,
    sobriety_date: date | None,
    closed_streaks: Iterable[tuple[date, date]],
    today: date,
    since: date | None = None,
    lapse_dates: Iterable[date] = (),
) -> SobrietySummary:
    """Figures for one client on `today` (their local date).

    1. days sober: whole days from the sobriety date (the current streak) to today;
    2. longest streak: the longest of the closed streaks (start to lapse day) and the current one;
    3. total sober days: days from `since` (joining; default the earliest streak start) to today
       minus the distinct lapse days in that range (the lapse day itself is not a sober day).
    """
    closed = [(s, e) for s, e in closed_streaks]
    return _summary(
        sobriety_date=sobriety_date,
        longest_closed=max((days_between(s, e) for s, e in closed), default=None),
        first_closed_start=min((s for s, _ in closed), default=None),
        today=today,
        since=since,
        lapse_dates=lapse_dates,
    )


def _summary(
    *,
    sobriety_date: date | None,
    longest_closed: int | None,
    first_closed_start: date | None,
    today: date,
    since: date | None,
    lapse_dates: Iterable[date],
) -> SobrietySummary:
    if sobriety_date is None and first_closed_start is None:
        return SobrietySummary(None, None, None, None, today)
    lengths = [n for n in (longest_closed,) if n is not None]
    current = days_between(sobriety_date, today) if sobriety_date else None
    if current is not None:
        lengths.append(current)
    starts = [s for s in (first_closed_start, sobriety_date) if s is not None]
    begin = since or min(starts)
    span = days_between(begin, today)
    lapses = {d for d in lapse_dates if begin <= d < today}
    total = max(0, span - len(lapses))
    nxt = milestone_next(sobriety_date, today) if sobriety_date else None
    return SobrietySummary(current, max(lengths), total, nxt, today)


# What `sobriety_annotations()` adds to a client query (see sobriety_summary_for).
_LONGEST = "sobriety_closed_longest"
_FIRST_START = "sobriety_closed_first_start"


def sobriety_annotations() -> dict[str, Subquery]:
    """Expressions for a client query: the longest closed streak (a duration) and the earliest
    closed streak's start, so that sobriety_summary_for needs no query of its own."""
    closed = SobrietyStreak.objects.filter(client_id=OuterRef("pk"), end_date__isnull=False)
    longest = (
        closed.order_by()
        .values("client_id")
        .annotate(n=Max(ExpressionWrapper(F("end_date") - F("start_date"), DurationField())))
        .values("n")
    )
    first = closed.order_by("start_date").values("start_date")[:1]
    return {
        _LONGEST: Subquery(longest, output_field=DurationField()),
        _FIRST_START: Subquery(first, output_field=DateField()),
    }


def sobriety_summary_for(client: Client, *, lapse_dates: Iterable[date] = ()) -> SobrietySummary:
    """Uses the client's `sobriety_annotations()` when the query added them, else
    `client.sobriety_streaks.all()`: prefetch that on lists (one query for the page)."""
    if hasattr(client, _LONGEST):
        longest: timedelta | None = getattr(client, _LONGEST)
        first_start: date | None = getattr(client, _FIRST_START)
        longest_days = max(0, longest.days) if longest is not None else None
    else:
        closed = [(s.start_date, s.end_date) for s in client.sobriety_streaks.all() if s.end_date]
        longest_days = max((days_between(s, e) for s, e in closed), default=None)
        first_start = min((s for s, _ in closed), default=None)
    since = None
    if client.created_at:
        joined = client.created_at.date()
        starts = [s for s in (first_start, client.sobriety_date) if s is not None]
        since = min([joined, *starts])
    return _summary(
        sobriety_date=client.sobriety_date,
        longest_closed=longest_days,
        first_closed_start=first_start,
        today=local_today(client.time_zone),
        since=since,
        lapse_dates=lapse_dates,
    )


def restart_date(lapse_date: date, *, from_lapse_day: bool = False) -> date:
    """The new sobriety date after a lapse: the day after it by default (the convention above),
    the lapse day itself when the client chooses that."""
    return lapse_date if from_lapse_day else lapse_date + timedelta(days=1)


def sobriety_restart(
    *,
    actor: User,
    client: Client,
    lapse_date: date,
    reason: str = "",
    from_lapse_day: bool = False,
) -> SobrietyStreak:
    """Close the current streak on `lapse_date` and start the counter again.

    The new sobriety date is the day after the lapse (see the module's convention), or the lapse
    day itself with `from_lapse_day`. Only the client themself or their coordinating staff may do
    it. The closed streak is kept. Raises PermissionDenied or ValidationError. Returns the closed
    streak.
    """
    if not (permissions.is_client_user(actor, client) or permissions.can_coordinate(actor, client)):
        raise PermissionDenied("You cannot restart this counter.")
    today = local_today(client.time_zone)
    if lapse_date > today:
        raise ValidationError({"date": "The date cannot be in the future."})
    start = client.sobriety_date or lapse_date
    if lapse_date < start:
        raise ValidationError({"date": "The lapse is before the current sobriety date."})
    new_date = restart_date(lapse_date, from_lapse_day=from_lapse_day)
    with transaction.atomic():
        streak = SobrietyStreak.objects.create(
            client=client, start_date=start, end_date=lapse_date, end_reason=reason[:200]
        )
        before = client.sobriety_date
        client.sobriety_date = new_date
        client.save(update_fields=["sobriety_date", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=client,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={
                "sobriety_date": [str(before) if before else None, new_date.isoformat()],
                "streak_closed": [None, f"{start.isoformat()}..{lapse_date.isoformat()}"],
            },
        )
    return streak
