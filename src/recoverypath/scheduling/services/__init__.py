"""Every write of the scheduling app. Import from here: `from recoverypath.scheduling import
services; services.session_book(...)`."""

from .attendance import AttendanceRow, attendance_record
from .enrollment import enrollments_end_for_episode, group_enroll, group_leave, waitlist_fill
from .groups import (
    ROLLING_WINDOW_DAYS,
    group_create,
    group_update,
    holiday_add,
    sessions_generate,
    sessions_generate_window,
)
from .notes import note_addendum_add, note_create, note_sign, note_update
from .reminders import (
    session_reminder_wanted,
    session_reminders_schedule_upcoming,
    session_reminders_sync,
)
from .sessions import Conflict, session_book, session_cancel, session_conflicts, session_move

__all__ = [
    "ROLLING_WINDOW_DAYS",
    "AttendanceRow",
    "Conflict",
    "attendance_record",
    "enrollments_end_for_episode",
    "group_create",
    "group_enroll",
    "group_leave",
    "group_update",
    "holiday_add",
    "note_addendum_add",
    "note_create",
    "note_sign",
    "note_update",
    "session_book",
    "session_cancel",
    "session_conflicts",
    "session_move",
    "session_reminder_wanted",
    "session_reminders_schedule_upcoming",
    "session_reminders_sync",
    "sessions_generate",
    "sessions_generate_window",
    "waitlist_fill",
]
