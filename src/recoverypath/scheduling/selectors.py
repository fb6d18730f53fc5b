"""Every read of the scheduling app. Lists load in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from recoverypath.clients.models import Client
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, audit_record_clients
from recoverypath.core.params import Reach
from recoverypath.core.timezones import local_today

from .models import Attendance, ClinicalNote, Group, GroupEnrollment, Holiday, Room, Session

UNSIGNED_NOTE_HOURS = 72


# --- Sessions -----------------------------------------------------------------------------------


def _with_roster(qs: QuerySet[Session]) -> QuerySet[Session]:
    """What a session row shows, joined or prefetched: a fixed number of queries for any list."""
    return qs.select_related("group", "program", "facilitator", "room", "client").prefetch_related(
        Prefetch(
            "group__enrollments",
            queryset=GroupEnrollment.objects.exclude(status=GroupEnrollment.Status.WAITLISTED)
            .select_related("client")
            .order_by("client__last_name", "client__first_name", "id"),
        ),
        Prefetch("attendance", queryset=Attendance.objects.select_related("client").order_by("id")),
        Prefetch("notes", queryset=ClinicalNote.objects.order_by("id")),
    )


def session_local_date(session: Session) -> date:
    return session.starts_at.astimezone(ZoneInfo(session.program.time_zone)).date()


def session_roster(*, session: Session) -> list[Client]:
    """Who the session is for: the individual client, or the group's members on that day (plus
    anyone whose attendance was already taken). No query on a session from `_with_roster`."""
    if session.client_id:
        return [session.client]
    day = session_local_date(session)
    seen: dict[int, Client] = {}
    for enrollment in session.group.enrollments.all():
        if enrollment.status != GroupEnrollment.Status.WAITLISTED and enrollment.covers(day):
            seen.setdefault(enrollment.client_id, enrollment.client)
    for record in session.attendance.all():
        if record.client_id not in seen:
            seen[record.client_id] = record.client
    return list(seen.values())


def sessions_audit(*, user, sessions, action: str = Action.LIST) -> None:
    """Record what `sessions` show `user` (one INSERT): each individual session's client, and to
    staff each group session's roster (sessions from `_with_roster`: no query per session)."""
    staff = permissions.is_staff_member(user)
    rows: list[tuple[int | None, str]] = []
    for session in sessions:
        if session.client_id:
            rows.append((session.client_id, str(session.id)))
        elif staff:
            rows.extend((client.id, str(session.id)) for client in session_roster(session=session))
    audit_record_clients(
        actor=user, rows=rows, object_type=Session._meta.label_lower, action=action
    )


def roster_count(*, session: Session) -> int:
    """How many clients the session is for, from prefetched enrollments (no query)."""
    if session.client_id:
        return 1
    day = session_local_date(session)
    return sum(
        1
        for e in session.group.enrollments.all()
        if e.status != GroupEnrollment.Status.WAITLISTED and e.covers(day)
    )


def session_queryset_for_user(*, user) -> QuerySet[Session]:
    """Staff: their programs' sessions. A client: their own individual sessions and the
    sessions of groups they belong to."""
    if not user.is_authenticated or not user.is_active:
        return Session.objects.none()
    scope = Q(client__user_id=user.id) | Q(
        group__enrollments__client__user_id=user.id,
        group__enrollments__status=GroupEnrollment.Status.ACTIVE,
    )
    program_ids = permissions.staff_program_ids(user)
    if program_ids:
        scope |= Q(program_id__in=program_ids)
    return Session.objects.filter(pk__in=Session.objects.filter(scope).values("pk"))


def session_get(*, user, session_id: int) -> Session:
    """The session if `user` may see it (staff of its program), else Http404."""
    session = (
        _with_roster(Session.objects.filter(program_id__in=permissions.staff_program_ids(user)))
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=session,
        client_id=session.client_id,
        organization_id=session.program.organization_id,
    )
    return session


def session_visible_get(*, user, session_id: int) -> Session:
    """A session `user` may see (see `session_queryset_for_user`: a client sees their own),
    rosters prefetched, else Http404. Staff pages and writes use `session_get`."""
    session = _with_roster(session_queryset_for_user(user=user)).filter(pk=session_id).first()
    if session is None:
        raise Http404("No such session.")
    return session


def session_list(
    *,
    user,
    start: datetime,
    end: datetime,
    facilitator_id: int | None = None,
    client_id: int | None = None,
    program_id: int | None = None,
    include_cancelled: bool = True,
) -> QuerySet[Session]:
    """Sessions starting in [start, end) that `user` may see, rosters prefetched."""
    qs = session_queryset_for_user(user=user).filter(starts_at__gte=start, starts_at__lt=end)
    if facilitator_id:
        qs = qs.filter(facilitator_id=facilitator_id)
    if client_id:
        qs = qs.filter(
            Q(client_id=client_id)
            | Q(
                group__enrollments__client_id=client_id,
                group__enrollments__status=GroupEnrollment.Status.ACTIVE,
            )
        ).distinct()
    if program_id:
        qs = qs.filter(program_id=program_id)
    if not include_cancelled:
        qs = qs.filter(status=Session.Status.SCHEDULED)
    return _with_roster(qs).order_by("starts_at", "id")


def day_bounds(day: date, zone: str, days: int = 1) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=days), time.min, tzinfo=tz).astimezone(UTC)
    return start, end


@dataclass
class CalendarDay:
    day: date
    sessions: list[Session] = field(default_factory=list)


def clinician_calendar(
    *, user, clinician, start_day: date, days: int, zone: str
) -> list[CalendarDay]:
    """The clinician's sessions day by day (the day view is days=1, the week view days=7),
    in a fixed number of queries whatever the number of sessions and clients."""
    start, end = day_bounds(start_day, zone, days)
    sessions = list(session_list(user=user, start=start, end=end, facilitator_id=clinician.id))
    tz = ZoneInfo(zone)
    by_day: dict[date, CalendarDay] = {
        start_day + timedelta(days=i): CalendarDay(start_day + timedelta(days=i))
        for i in range(days)
    }
    for session in sessions:
        local_day = session.starts_at.astimezone(tz).date()
        session.roster_count = roster_count(session=session)
        if local_day in by_day:
            by_day[local_day].sessions.append(session)
    return list(by_day.values())


def client_upcoming_sessions(*, client: Client, limit: int = 10) -> list[Session]:
    """The client's next scheduled sessions (individual and their groups'), soonest first."""
    now = timezone.now()
    enrolled = GroupEnrollment.objects.filter(
        client=client, status=GroupEnrollment.Status.ACTIVE
    ).values("group_id")
    return list(
        Session.objects.filter(
            Q(client=client) | Q(group_id__in=enrolled),
            status=Session.Status.SCHEDULED,
            ends_at__gt=now,
        )
        .select_related("group", "program", "facilitator", "room")
        .order_by("starts_at", "id")[:limit]
    )


def client_sessions_all(*, client: Client) -> QuerySet[Session]:
    """Every session of the client (individual ones and those of groups they are or were in),
    oldest first, for exports and calendar feeds (interop)."""
    enrolled = GroupEnrollment.objects.filter(
        client=client, status__in=[GroupEnrollment.Status.ACTIVE, GroupEnrollment.Status.ENDED]
    ).values("group_id")
    return (
        Session.objects.filter(Q(client=client) | Q(group_id__in=enrolled))
        .select_related("group", "program", "facilitator", "room")
        .order_by("starts_at", "id")
    )


def facilitator_sessions_all(*, user) -> QuerySet[Session]:
    """Every session `user` facilitates, oldest first (a staff member's calendar feed)."""
    return (
        Session.objects.filter(facilitator=user)
        .select_related("group", "program", "room")
        .order_by("starts_at", "id")
    )


def client_sessions(*, client: Client, start: datetime, end: datetime) -> list[Session]:
    enrolled = GroupEnrollment.objects.filter(
        client=client, status__in=[GroupEnrollment.Status.ACTIVE, GroupEnrollment.Status.ENDED]
    ).values("group_id")
    return list(
        Session.objects.filter(
            Q(client=client) | Q(group_id__in=enrolled), starts_at__gte=start, starts_at__lt=end
        )
        .select_related("group", "program", "facilitator", "room")
        .order_by("starts_at", "id")
    )


# --- Rooms and holidays -------------------------------------------------------------------------


def room_list(*, user) -> QuerySet[Room]:
    """Rooms of the programs where `user` is staff (for booking and conflict checks)."""
    return Room.objects.filter(program_id__in=permissions.staff_program_ids(user)).order_by(
        "program_id", "name"
    )


# What a room or session id in a request body may name: those of the caller's programs.
ROOMS = Reach(Room, lambda user: room_list(user=user))
STAFF_SESSIONS = Reach(
    Session, lambda user: Session.objects.filter(program_id__in=permissions.staff_program_ids(user))
)


def holiday_list(*, user, program_id: int | None = None) -> QuerySet[Holiday]:
    """Holidays of the programs where `user` is staff, by program then date."""
    qs = Holiday.objects.filter(program_id__in=permissions.staff_program_ids(user))
    if program_id:
        qs = qs.filter(program_id=program_id)
    return qs.order_by("program_id", "date")


# --- Groups -------------------------------------------------------------------------------------


def group_list(
    *, user, program_id: int | None = None, with_enrolled_count: bool = False
) -> QuerySet[Group]:
    """Groups of the programs where `user` is staff; `enrolled_count` (active places) if asked."""
    qs = Group.objects.filter(program_id__in=permissions.staff_program_ids(user)).select_related(
        "program", "facilitator", "room"
    )
    if program_id:
        qs = qs.filter(program_id=program_id)
    if with_enrolled_count:
        active = Q(enrollments__status=GroupEnrollment.Status.ACTIVE)
        qs = qs.annotate(enrolled_count=Count("enrollments", filter=active))
    return qs.order_by("program__name", "name", "id")


def group_get(*, user, group_id: int) -> Group:
    group = group_list(user=user).filter(pk=group_id).first()
    if group is None:
        raise Http404("No such group.")
    return group


def group_roster(*, group: Group) -> tuple[list[GroupEnrollment], list[GroupEnrollment]]:
    """(enrolled, waitlist in order) for the group page: one query."""
    open_ = list(
        group.enrollments.filter(
            status__in=[GroupEnrollment.Status.ACTIVE, GroupEnrollment.Status.WAITLISTED]
        )
        .select_related("client")
        .order_by("waitlisted_at", "client__last_name", "id")
    )
    enrolled = sorted(
        (e for e in open_ if e.status == GroupEnrollment.Status.ACTIVE),
        key=lambda e: (e.client.last_name, e.client.first_name, e.id),
    )
    waitlist = [e for e in open_ if e.status == GroupEnrollment.Status.WAITLISTED]
    return enrolled, waitlist


def enrollment_queryset_for_user(*, user) -> QuerySet[GroupEnrollment]:
    return GroupEnrollment.objects.filter(
        group__program_id__in=permissions.staff_program_ids(user)
    ).select_related("group", "group__program", "client")


# --- Attendance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekHours:
    week_start: date
    hours: Decimal
    meets_requirement: bool


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

    @property
    def meets_requirement_this_week(self) -> bool:
        return self.hours_this_week >= self.weekly_hours_required


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1"))


def attendance_summary(
    *, client: Client, since: date | None = None, weeks: int = 4
) -> AttendanceSummary:
    """Rate and hours per week (Monday-based weeks in the program's zone) for the last `weeks`
    weeks, or since `since`. Two queries."""
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
    week_list = []
    monday = since - timedelta(days=since.weekday())
    while monday <= this_monday:
        hours = _hours(minutes_by_week.get(monday, 0))
        week_list.append(WeekHours(monday, hours, hours >= required))
        monday += timedelta(weeks=1)
    full_weeks = [w.hours for w in week_list if w.week_start < this_monday]
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
            (sum(full_weeks) / len(full_weeks)).quantize(Decimal("0.1")) if full_weeks else None
        ),
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


# --- Notes --------------------------------------------------------------------------------------


def note_queryset_for_user(*, user) -> QuerySet[ClinicalNote]:
    """Notes of clients in programs where `user` is a clinician or admin. Clients never see them
    here (they are psychotherapy-adjacent records released only through the record request)."""
    program_ids = permissions.staff_program_ids(user, min_rank=permissions.Rank.CLINICIAN)
    return ClinicalNote.objects.filter(client__program_id__in=program_ids).select_related(
        "client", "client__organization", "author", "session", "session__group", "session__program"
    )


def note_get(*, user, note_id: int) -> ClinicalNote:
    note = (
        note_queryset_for_user(user=user)
        .prefetch_related("addenda__author")
        .filter(pk=note_id)
        .first()
    )
    if note is None:
        raise Http404("No such note.")
    audit_record(
        actor=user,
        action=Action.READ,
        obj=note,
        client_id=note.client_id,
        organization_id=note.client.organization_id,
    )
    return note


def session_note(*, session: Session, client: Client) -> ClinicalNote | None:
    """The client's note for the session, if written; uses the notes `session_get` prefetched."""
    return next((n for n in session.notes.all() if n.client_id == client.id), None)


def notes_for_client(*, user, client: Client) -> list[ClinicalNote]:
    return list(
        note_queryset_for_user(user=user)
        .filter(client=client)
        .prefetch_related("addenda")
        .order_by("-session__starts_at", "-id")[:20]
    )


def notes_unsigned_overdue(*, user, now: datetime | None = None) -> list[ClinicalNote]:
    """Draft notes `user` wrote more than 72 hours ago: one query."""
    cutoff = (now or timezone.now()) - timedelta(hours=UNSIGNED_NOTE_HOURS)
    return list(
        ClinicalNote.objects.filter(
            author=user, status=ClinicalNote.Status.DRAFT, created_at__lt=cutoff
        )
        .select_related("client", "session", "session__group", "session__program")
        .order_by("created_at")
    )


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
