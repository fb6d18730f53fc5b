"""iCalendar feeds: a client's sessions, and the viewer's own."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from recoverypath.clients.selectors import client_for_user_account, client_get
from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, audit_record_list

from .. import ical, selectors


def _ics(name: str, body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


def _window():
    from django.utils import timezone

    now = timezone.now()
    return now - timedelta(days=30), now + timedelta(days=90)


@staff_required
def client_calendar_ics(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    start, end = _window()
    sessions = selectors.client_sessions(client=client, start=start, end=end)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        obj=client,
        client_id=client.id,
        organization_id=client.organization_id,
        changes={"format": [None, "ics"]},
    )
    return _ics(f"sessions-{client.id}", ical.calendar_for(sessions, name="Sessions"))


@login_required
def my_calendar_ics(request):
    """The logged-in client's own sessions, or a staff member's own facilitated sessions."""
    start, end = _window()
    client = client_for_user_account(user=request.user)
    if client is not None:
        sessions = selectors.client_sessions(client=client, start=start, end=end)
        audit_record(
            actor=request.user,
            action=Action.EXPORT,
            obj=client,
            client_id=client.id,
            organization_id=client.organization_id,
            changes={"format": [None, "ics"]},
        )
        return _ics("my-sessions", ical.calendar_for(sessions, name="My sessions", private=True))
    if not permissions.is_staff_member(request.user):
        raise Http404
    sessions = list(
        selectors.session_list(
            user=request.user, start=start, end=end, facilitator_id=request.user.id
        )
    )
    # The feed gives each individual session's time (not the client's name): still a client's
    # appointment, so each is recorded as exported.
    audit_record_list(
        actor=request.user, objects=[s for s in sessions if s.client_id], action=Action.EXPORT
    )
    return _ics("my-sessions", ical.calendar_for(sessions, name="My sessions"))
