"""A clinician's day and week, in the viewer's time zone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.http import Http404
from django.shortcuts import render

from recoverypath.accounts.selectors import staff_colleagues
from recoverypath.clients.views import staff_required
from recoverypath.core.audit import audit_record_list
from recoverypath.core.timezones import local_today

from .. import selectors

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def _zone(user: User) -> str:
    return user.display_time_zone or "UTC"


def _clinician(request) -> User:
    """The viewer, or the colleague named by ?clinician= (someone sharing a program), else 404."""
    clinician_id = request.GET.get("clinician")
    if not clinician_id:
        return request.user
    if not clinician_id.isdigit():
        raise Http404
    clinician = staff_colleagues(user=request.user).filter(pk=int(clinician_id)).first()
    if clinician is None:
        raise Http404
    return clinician


def _day(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return local_today(_zone(request.user))


def _calendar(request, days: int, template: str):
    clinician = _clinician(request)
    day = _day(request)
    if days == 7:
        day -= timedelta(days=day.weekday())
    zone = _zone(request.user)
    calendar = selectors.clinician_calendar(
        user=request.user, clinician=clinician, start_day=day, days=days, zone=zone
    )
    sessions = [s for d in calendar for s in d.sessions]
    audit_record_list(actor=request.user, objects=[s for s in sessions if s.client_id])
    return render(
        request,
        template,
        {
            "clinician": clinician,
            "day": day,
            "calendar": calendar,
            "zone": ZoneInfo(zone),
            "previous": day - timedelta(days=days),
            "next": day + timedelta(days=days),
            "colleagues": staff_colleagues(user=request.user),
        },
    )


@staff_required
def day_view(request):
    return _calendar(request, 1, "scheduling/day.html")


@staff_required
def week_view(request):
    return _calendar(request, 7, "scheduling/week.html")
