"""Reads of monitoring data. Staff need coordination rights; a client sees their own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from recoverypath.care.models import EpisodeOfCare
from recoverypath.clients.models import Client
from recoverypath.clients.selectors import client_queryset_for_user
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.timezones import local_today, zone_or_utc

from .models import CheckIn, Lapse, MeetingAttendance
from .permissions import can_read_monitoring

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def check_in_list(*, user: User, client: Client, since: date | None = None) -> QuerySet[CheckIn]:
    if not can_read_monitoring(user, client):
        raise PermissionDenied
    qs = CheckIn.objects.filter(client=client)
    if since:
        qs = qs.filter(date__gte=since)
    return qs.order_by("-date")


def check_ins_all(*, client: Client) -> QuerySet[CheckIn]:
    """Every check-in of the client, oldest first: exports of the client's own record (interop),
    whose caller has already checked access."""
    return CheckIn.objects.filter(client=client).order_by("date", "id")


def check_in_today(*, client: Client) -> CheckIn | None:
    return CheckIn.objects.filter(client=client, date=local_today(client.time_zone)).first()


@dataclass(frozen=True)
class DayStatus:
    day: date
    check_in: CheckIn | None

    @property
    def missed(self) -> bool:
        return self.check_in is None


HARD_DAY_CRAVING = 7
HARD_DAY_MOOD = 1


def check_in_is_hard_day(check_in: CheckIn) -> bool:
    """A craving of 7 or more, a mood of 1, or a reported use: the result screen offers the
    client's coping strategies, their contacts and one tap to tell their coordinator."""
    return check_in.craving >= HARD_DAY_CRAVING or check_in.mood <= HARD_DAY_MOOD or check_in.used


def check_in_own_get(*, client: Client, check_in_id: int) -> CheckIn:
    """The client's own check-in, else Http404."""
    check_in = CheckIn.objects.filter(client=client, pk=check_in_id).first()
    if check_in is None:
        raise Http404("No such check-in.")
    return check_in


def client_registered_on(client: Client) -> date:
    """The local day (client's zone) the client's record was created: no day before it can
    be a missed check-in."""
    return client.created_at.astimezone(ZoneInfo(zone_or_utc(client.time_zone))).date()


def check_in_calendar(*, client: Client, days: int = 28) -> list[DayStatus]:
    """The last `days` local days, newest first, each with its check-in or marked missed.
    Today is never "missed": the day is not over yet. Days before the client was registered
    are left out (never "missed"), unless a check-in was recorded on them (imported history)."""
    today = local_today(client.time_zone)
    start = today - timedelta(days=days - 1)
    by_day = {c.date: c for c in CheckIn.objects.filter(client=client, date__gte=start)}
    first = max(start, min([client_registered_on(client), *by_day]))
    out = []
    for offset in range((today - first).days + 1):
        day = today - timedelta(days=offset)
        out.append(DayStatus(day, by_day.get(day)))
    return out


def missed_days(*, calendar: list[DayStatus], today: date) -> int:
    return sum(1 for d in calendar if d.missed and d.day != today)


def lapse_list(*, client: Client) -> QuerySet[Lapse]:
    return Lapse.objects.filter(client=client).order_by("-date")


def lapse_get(*, user: User, lapse_id: int) -> Lapse:
    """One lapse (an audited read): Http404 when the client is not visible to `user`,
    PermissionDenied when visible but `user` may not read monitoring data (front desk)."""
    lapse = (
        Lapse.objects.filter(client__in=client_queryset_for_user(user=user), pk=lapse_id)
        .select_related("client")
        .first()
    )
    if lapse is None or not permissions.can_view_client(user, lapse.client):
        raise Http404("No such lapse.")
    if not can_read_monitoring(user, lapse.client):
        raise PermissionDenied("You cannot read this client's lapses.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=lapse,
        client_id=lapse.client_id,
        organization_id=lapse.client.organization_id,
    )
    return lapse


def lapse_dates(*, client: Client) -> list[date]:
    return list(Lapse.objects.filter(client=client).values_list("date", flat=True))


def lapse_unanswered(*, client: Client) -> Lapse | None:
    return (
        Lapse.objects.filter(client=client, counter_restarted__isnull=True)
        .order_by("-date")
        .first()
    )


def meeting_list(*, client: Client) -> QuerySet[MeetingAttendance]:
    return MeetingAttendance.objects.filter(client=client).order_by("-date", "-id")


def check_in_series(
    *, client_ids: list[int], start: date, end: date
) -> dict[int, dict[date, tuple[int, int]]]:
    """{client_id: {date: (mood, craving)}} for every client of a page, in ONE query."""
    out: dict[int, dict[date, tuple[int, int]]] = defaultdict(dict)
    rows = CheckIn.objects.filter(
        client_id__in=client_ids, date__gte=start, date__lte=end
    ).values_list("client_id", "date", "mood", "craving")
    for client_id, day, mood, craving in rows:
        out[client_id][day] = (mood, craving)
    return out


def lapse_recorded_on(*, client: Client, day: date) -> bool:
    """Whether the client's sobriety record holds a lapse on `day` (one query; testing asks
    before offering a positive test as a lapse)."""
    return Lapse.objects.filter(client=client, date=day).exists()


# Reads for earlywarning's rules, its clearing checks and the coordinator dashboard.


def check_ins_since(*, client: Client, since: date) -> QuerySet[CheckIn]:
    """The client's check-ins from `since` on, newest first (the aftercare timeline)."""
    return CheckIn.objects.filter(client=client, date__gte=since)


def lapses_since(*, client: Client, since: date) -> QuerySet[Lapse]:
    """The client's lapses from `since` on, newest first (the aftercare timeline)."""
    return Lapse.objects.filter(client=client, date__gte=since)


def meetings_since(*, client: Client, since: date) -> QuerySet[MeetingAttendance]:
    """The client's recovery meetings from `since` on, newest first (the aftercare timeline)."""
    return MeetingAttendance.objects.filter(client=client, date__gte=since)


def check_in_last_date_subquery(*, client_id: OuterRef) -> Subquery:
    """The date of the latest check-in of the client named by `client_id` (an OuterRef), as a
    subquery to annotate a list of rows with (one query for the whole list)."""
    return Subquery(
        CheckIn.objects.filter(client_id=client_id)
        .order_by()
        .values("client_id")
        .annotate(m=Max("date"))
        .values("m")[:1]
    )


def check_in_last_updated_by_client(*, client_ids: set[int]) -> dict[int, datetime]:
    """{client id: when their latest check-in was last written}, in one query."""
    return dict(
        CheckIn.objects.filter(client_id__in=client_ids)
        .values("client_id")
        .annotate(at=Max("updated_at"))
        .values_list("client_id", "at")
    )


def check_in_last_date_by_client(*, client_ids: set[int]) -> dict[int, date]:
    """{client id: the day of their latest check-in}, in one query."""
    return dict(
        CheckIn.objects.filter(client_id__in=client_ids)
        .values("client_id")
        .annotate(day=Max("date"))
        .values_list("client_id", "day")
    )


def check_ins_recent_by_client(
    *, client_ids: Iterable[int], limit: int
) -> dict[int, list[CheckIn]]:
    """The latest `limit` check-ins per client, newest first (one query)."""
    rows: dict[int, list[CheckIn]] = defaultdict(list)
    for row in CheckIn.objects.filter(client_id__in=set(client_ids)).order_by("client_id", "-date"):
        if len(rows[row.client_id]) < limit:
            rows[row.client_id].append(row)
    return rows


def check_in_cravings_recent(*, client: Client, until: date, limit: int) -> list[tuple[date, int]]:
    """(date, craving) of the client's latest `limit` check-ins up to `until`, newest first."""
    return list(
        CheckIn.objects.filter(client=client, date__lte=until)
        .order_by("-date")
        .values_list("date", "craving")[:limit]
    )


def check_in_low_mood_days(*, client: Client, start: date, end: date, mood: int) -> set[date]:
    """The days from `start` to `end` on which the client's mood was `mood` or lower."""
    return set(
        CheckIn.objects.filter(
            client=client, date__gte=start, date__lte=end, mood__lte=mood
        ).values_list("date", flat=True)
    )


def check_in_recent_for_submit(
    *, client: Client, until: date, limit: int, inputs: dict | None = None
) -> list[CheckIn]:
    """The client's latest `limit` check-ins up to `until`, newest first, each annotated with
    `inputs` ({name: expression} of values that do not depend on the row). The one read of a
    submission: the day's own row (if any) is the audit's "before", the rows are the history
    the immediate rules look at (core.hooks.checkins)."""
    rows = CheckIn.objects.filter(client=client, date__lte=until).order_by("-date")
    if inputs:
        rows = rows.annotate(**inputs)
    return list(rows[:limit])


@dataclass(frozen=True)
class CheckInReminderTarget:
    """A client with a login to remind about check-ins: their daily reminder time (None: no
    daily reminder) and whether they are in an active episode of care (the missed check-in
    nudge)."""

    client: Client
    user: User
    daily_at: time | None
    in_care: bool


def check_in_reminder_targets(
    *, after_id: int = 0, limit: int | None = None
) -> list[CheckInReminderTarget]:
    """Clients with an active login who chose a daily check-in reminder time or are in an
    active episode of care, in one query: those with an id above `after_id`, at most `limit`
    of them (a sweep reads them a batch at a time)."""
    in_care = Exists(
        EpisodeOfCare.objects.filter(client=OuterRef("pk"), status=EpisodeOfCare.Status.ACTIVE)
    )
    clients = (
        Client.objects.filter(user__is_active=True)
        .annotate(in_care=in_care)
        .filter(
            Q(user__notification_preference__check_in_reminder_time__isnull=False) | Q(in_care=True)
        )
        .select_related("user", "user__notification_preference", "program")
        .filter(id__gt=after_id)
        .order_by("id")
    )
    if limit is not None:
        clients = clients[:limit]
    targets = []
    for client in clients:
        user = client.user
        if user is None:
            continue
        preference = getattr(user, "notification_preference", None)
        daily = preference.check_in_reminder_time if preference is not None else None
        targets.append(CheckInReminderTarget(client, user, daily, bool(client.in_care)))
    return targets


def check_in_done_on(*, client_id: int, day: date) -> bool:
    return CheckIn.objects.filter(client_id=client_id, date=day).exists()


def client_for_check_in_reminder(*, client_id: int, user_id: int) -> Client | None:
    """The client of a check-in reminder, if the recipient is still its login."""
    return (
        Client.objects.select_related("user", "user__notification_preference")
        .filter(pk=client_id, user_id=user_id, user__is_active=True)
        .first()
    )
