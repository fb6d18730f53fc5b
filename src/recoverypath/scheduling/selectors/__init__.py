"""Every read of the scheduling app, one module per subject. Lists load in a fixed number of
queries. Import from here: `from recoverypath.scheduling import selectors`."""

from .attendance import (
    AttendanceSummary,
    WeekHours,
    attendance_for_client,
    attendance_in_program,
    attendance_outcome,
    attendance_summary,
    attendance_unexcused_streak,
)
from .calendars import (
    CalendarDay,
    client_next_appointment,
    client_sessions,
    client_sessions_all,
    client_upcoming_sessions,
    clinician_calendar,
    day_bounds,
    facilitator_sessions_all,
)
from .groups import enrollment_queryset_for_user, group_get, group_list, group_roster
from .notes import (
    UNSIGNED_NOTE_HOURS,
    note_get,
    note_queryset_for_user,
    notes_for_client,
    notes_unsigned_overdue,
    session_note,
)
from .rooms import ROOMS, STAFF_SESSIONS, holiday_list, room_list
from .sessions import (
    roster_count,
    session_booking_warnings,
    session_get,
    session_list,
    session_local_date,
    session_queryset_for_user,
    session_roster,
    session_visible_get,
    sessions_audit,
)

__all__ = [
    "ROOMS",
    "STAFF_SESSIONS",
    "UNSIGNED_NOTE_HOURS",
    "AttendanceSummary",
    "CalendarDay",
    "WeekHours",
    "attendance_for_client",
    "attendance_in_program",
    "attendance_outcome",
    "attendance_summary",
    "attendance_unexcused_streak",
    "client_next_appointment",
    "client_sessions",
    "client_sessions_all",
    "client_upcoming_sessions",
    "clinician_calendar",
    "day_bounds",
    "enrollment_queryset_for_user",
    "facilitator_sessions_all",
    "group_get",
    "group_list",
    "group_roster",
    "holiday_list",
    "note_get",
    "note_queryset_for_user",
    "notes_for_client",
    "notes_unsigned_overdue",
    "room_list",
    "roster_count",
    "session_booking_warnings",
    "session_get",
    "session_list",
    "session_local_date",
    "session_note",
    "session_queryset_for_user",
    "session_roster",
    "session_visible_get",
    "sessions_audit",
]
