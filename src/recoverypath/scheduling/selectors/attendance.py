"""Attendance: a client's rate and hours per week, streaks, single outcomes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from recoverypath.care import selectors as care_selectors
from recoverypath.clients.models import Client
from recoverypath.core.timezones import local_today

from ..models import Attendance
from .sessions import session_local_date


@dataclass(frozen=True)
class WeekHours:
    week_start: date
    hours: Decimal
    meets_requirement: bool
    # A week that began before the client's admission is not held against the program's hours
    # (meets_requirement is then True: nothing was required of it).
    before_admission: bool = False


@dataclass(frozen=True)
class AttendanceSummary:
    """Attendance of one client: rate over recorded sessions, hours per week vs the program."""

    recorded: int
    attended: int
    excused: int
    unexcused: int
    rate: int | None  # percent of recorded sessions attended (present, late, left early)
    weeks: list[WeekHours]
    hours_this_week: Decimal
    weekly_hours_required: Decimal
    average_weekly_hours: Decimal | None
    admitted_on: date | None = None  # None: no admission recorded (every week is counted)
    this_week_before_admission: bool = False

    @property
    def meets_requirement_this_week(self) -> bool:
        if self.this_week_before_admission:
            return True
        return self.hours_this_week >= self.weekly_hours_required


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1"))


def attendance_summary(
    *, client: Client, since: date | None = None, weeks: int = 4
) -> AttendanceSummary:
    """Rate and hours per week (Monday-based weeks in the program's zone) for the last `weeks`
    weeks, or since `since`. A week that began before the client's admission to the program
    (care's earliest episode there) is never below the requirement, nor in the average.
    Three queries."""
    program = client.program
    zone = ZoneInfo(program.time_zone)
    today = local_today(program.time_zone)
    this_monday = today - timedelta(days=today.weekday())
    since = since or this_monday - timedelta(weeks=weeks - 1)
    start = datetime.combine(since, time.min, tzinfo=zone)
    records = list(
        Attendance.objects.filter(client=client, session__starts_at__gte=start)
        .select_related("session")
        .only("status", "minutes_attended", "session__starts_at")
    )
    minutes_by_week: dict[date, int] = defaultdict(int)
    attended = excused = unexcused = 0
    for record in records:
        local_day = record.session.starts_at.astimezone(zone).date()
        minutes_by_week[local_day - timedelta(days=local_day.weekday())] += record.minutes_attended
        if record.status == Attendance.Status.EXCUSED:
            excused += 1
        elif record.status == Attendance.Status.UNEXCUSED:
            unexcused += 1
        else:
            attended += 1
    required = Decimal(program.weekly_hours_required)
    admitted_on = care_selectors.admission_date(client=client, program_id=program.id)
    week_list = []
    monday = since - timedelta(days=since.weekday())
    while monday <= this_monday:
        hours = _hours(minutes_by_week.get(monday, 0))
        early = admitted_on is not None and monday < admitted_on
        week_list.append(WeekHours(monday, hours, early or hours >= required, early))
        monday += timedelta(weeks=1)
    full_weeks = [
        w.hours for w in week_list if w.week_start < this_monday and not w.before_admission
    ]
    return AttendanceSummary(
        recorded=len(records),
        attended=attended,
        excused=excused,
        unexcused=unexcused,
        rate=round(100 * attended / len(records)) if records else None,
        weeks=week_list,
        hours_this_week=_hours(minutes_by_week.get(this_monday, 0)),
        weekly_hours_required=required,
        average_weekly_hours=(
            (sum(full_weeks, Decimal(0)) / len(full_weeks)).quantize(Decimal("0.1"))
            if full_weeks
            else None
        ),
        admitted_on=admitted_on,
        this_week_before_admission=admitted_on is not None and this_monday < admitted_on,
    )


def attendance_unexcused_streak(*, client_id: int, limit: int = 10) -> list[Attendance]:
    """The client's latest run of consecutive unexcused absences, newest first (empty when the
    latest recorded session was attended or excused)."""
    latest = list(
        Attendance.objects.filter(client_id=client_id)
        .select_related("session__program", "session__group", "client")
        .order_by("-session__starts_at", "-id")[:limit]
    )
    streak = []
    for record in latest:
        if record.status != Attendance.Status.UNEXCUSED:
            break
        streak.append(record)
    return streak


def attendance_for_client(*, client: Client, limit: int | None = 20) -> list[Attendance]:
    """The client's attendance, newest first; `limit=None` for all of it (exports)."""
    qs = (
        Attendance.objects.filter(client=client)
        .select_related("session", "session__group", "session__program")
        .order_by("-session__starts_at")
    )
    return list(qs if limit is None else qs[:limit])


def attendance_outcome(*, client: Client, session_id: int) -> tuple[date, str] | None:
    """(local day of the session, attendance status) of the client at one session, or None
    when no attendance is recorded (incentives reads this to reward attended sessions)."""
    row = (
        Attendance.objects.filter(client=client, session_id=session_id)
        .select_related("session__program")
        .first()
    )
    if row is None:
        return None
    return session_local_date(row.session), row.status


def attendance_in_program(
    *, client: Client, program_id: int, since: datetime, before: datetime
) -> list[Attendance]:
    """The client's attendance rows at the program's sessions starting in [since, before), with
    their sessions, in session order (discharge's attendance figures)."""
    return list(
        Attendance.objects.filter(
            client=client,
            session__program=program_id,
            session__starts_at__gte=since,
            session__starts_at__lt=before,
        )
        .select_related("session")
        .order_by("session__starts_at")
    )
