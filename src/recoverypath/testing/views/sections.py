"""What testing adds to other apps' pages: the navigation entry, the to-do list's awaited lab
confirmations, the client's home section (today's test) and the staff client page's panel."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from recoverypath.core import permissions
from recoverypath.core.hooks.navigation import NavItem
from recoverypath.core.hooks.todo import TodoItem

from .. import selectors, services
from ..permissions import can_read_testing, can_view_testing_report

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def nav_items(request) -> list[NavItem]:
    if not can_view_testing_report(request.user):
        return []
    return [NavItem(_("Testing"), reverse("testing:report"), order=45)]


def todo_items(user: User) -> list[TodoItem]:
    """ "Awaiting lab confirmation" for each presumptive positive sent to the lab (one query)."""
    if not permissions.is_staff_member(user):
        return []
    return [
        TodoItem(
            label=f"Lab confirmation awaited: {result.get_analyte_display()}",
            url=reverse("testing:client", args=[result.collection.client_id]),
            kind="testing.confirmation",
            priority="normal",
            due=result.sent_for_confirmation_at,
            client_name=result.collection.client.display_name,
        )
        for result in selectors.confirmations_awaited(user=user)[:100]
    ]


def home_section(request, client: Client) -> str:
    """The client's home page: today's test, where to go and by when. Opening it is how the
    client learns they are selected, so rendering it marks the selection seen."""
    open_tests = selectors.selections_open(client=client)
    policy = selectors.policy_current(client=client)
    if not open_tests and policy is None:
        return ""
    if open_tests:
        services.selections_mark_seen(actor=request.user, client=client)
    zone = ZoneInfo(client.program.time_zone)
    return render_to_string(
        "testing/_home_section.html",
        {
            "client": client,
            "open_tests": [
                (s, s.window_opens_at.astimezone(zone), s.window_closes_at.astimezone(zone))
                for s in open_tests
            ],
            "policy": policy,
        },
        request=request,
    )


def client_panel(request, client: Client) -> str:
    """Staff client page: the latest tests and the negative streak (coordinators and above)."""
    if not can_read_testing(request.user, client):
        return ""
    summary = selectors.client_summary(client=client, limit=5)
    policy = selectors.policy_current(client=client)
    return render_to_string(
        "testing/_client_panel.html",
        {
            "client": client,
            "summary": summary if summary.rows or policy else None,
            "policy": policy,
        },
        request=request,
    )
