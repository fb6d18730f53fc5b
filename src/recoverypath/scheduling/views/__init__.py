"""HTML pages of scheduling, one module per subject; the hook entries (navigation, to-do, client
panel, client home) live here."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from recoverypath.core import permissions
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.hooks.todo import TodoItem

from .. import selectors
from ..permissions import can_book_session
from .calendars import day_view, week_view
from .feeds import client_calendar_ics, my_calendar_ics
from .groups import enrollment_end, group_create, group_detail, group_list, holidays
from .notes import note_detail, note_new
from .sessions import (
    book,
    session_attendance,
    session_cancel,
    session_detail,
    session_move,
)

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

__all__ = [
    "book",
    "client_calendar_ics",
    "client_panel",
    "day_view",
    "enrollment_end",
    "group_create",
    "group_detail",
    "group_list",
    "holidays",
    "home_section",
    "my_calendar_ics",
    "nav_items",
    "note_detail",
    "note_new",
    "session_attendance",
    "session_cancel",
    "session_detail",
    "session_move",
    "todo_items",
    "week_view",
]


# --- Registries ---------------------------------------------------------------------------------


def nav_items(request) -> list[NavItem]:
    if not permissions.is_staff_member(request.user):
        return []
    return [
        NavItem(_("My day"), reverse("scheduling:day"), order=20),
        NavItem(_("Groups"), reverse("scheduling:groups"), order=25),
    ]


def todo_items(user: User) -> list[TodoItem]:
    """Draft notes older than 72 hours: sign them."""
    return [
        TodoItem(
            label=f"Sign the note for {note.client.display_name} ({note.session.title}, "
            f"{selectors.session_local_date(note.session):%b %d})",
            url=reverse("scheduling:note", args=[note.id]),
            kind="scheduling.unsigned_note",
            priority="high",
            due=note.created_at + timedelta(hours=selectors.UNSIGNED_NOTE_HOURS),
            client_name=note.client.display_name,
            client_id=note.client_id,
        )
        for note in selectors.notes_unsigned_overdue(user=user)
    ]


def client_panel(request, client) -> str:
    """Attendance rate, hours per week vs the program's requirement, upcoming sessions, notes."""
    if permissions.is_client_user(request.user, client):
        return ""
    summary = selectors.attendance_summary(client=client)
    return render_to_string(
        "scheduling/_client_panel.html",
        {
            "client": client,
            "summary": summary,
            "upcoming": selectors.client_upcoming_sessions(client=client, limit=5),
            "recent": selectors.attendance_for_client(client=client, limit=8),
            "notes": selectors.notes_for_client(user=request.user, client=client),
            "zone": ZoneInfo(client.program.time_zone),
            "can_book": can_book_session(request.user, client.program_id),
        },
        request=request,
    )


def home_section(request, client) -> str:
    """The client's own next sessions on /me/, in their time zone."""
    if not permissions.is_client_user(request.user, client):
        return ""
    return render_to_string(
        "scheduling/_home_section.html",
        {
            "upcoming": selectors.client_upcoming_sessions(client=client, limit=6),
            "zone": ZoneInfo(client.time_zone),
        },
        request=request,
    )
