"""Pages of interop: the calendar feed settings page and the feed itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from recoverypath.core.navigation import NavItem

from . import calendar


def nav_items(request) -> list[NavItem]:
    if request.user.is_authenticated:
        return [NavItem("Calendar link", reverse("interop:calendar_settings"), order=95)]
    return []


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """Make, reset or turn off one's private calendar link. The link is shown once, in the
    answer to the POST that made it (only its hash is stored); the page is never cached."""
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "reset":
            token = calendar.feed_reset(user=request.user)
            new_url = request.build_absolute_uri(reverse("interop:calendar_feed", args=[token]))
        elif action == "off":
            calendar.feed_turn_off(user=request.user)
    feed = calendar.feed_get(user=request.user)
    response = render(request, "interop/calendar_settings.html", {"feed": feed, "new_url": new_url})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def calendar_feed(request, token: str):
    """The feed, for calendar apps: no session, the secret token is the credential."""
    user = calendar.feed_owner(token=token)
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(calendar.feed_calendar(user=user), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="recoverypath.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
