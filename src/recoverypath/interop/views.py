"""Pages of interop: calendar feed settings and the feed, the client's record downloads, staff
CSV reports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.assessments.instruments import REGISTRY as INSTRUMENTS
from recoverypath.core.hooks.navigation import NavItem

from . import calendar, exports


def nav_items(request) -> list[NavItem]:
    if request.user.is_authenticated:
        return [NavItem(_("Calendar link"), reverse("interop:calendar_settings"), order=95)]
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


# --- Exports -----------------------------------------------------------------------------------


def staff_nav_items(request) -> list[NavItem]:
    if exports.reports_for(request.user):
        return [NavItem(_("Exports"), reverse("interop:reports"), order=92)]
    return []


def home_section(request, client) -> str:
    """On the client's home page: download everything the program holds about them."""
    return render_to_string("interop/_home_section.html", {"client": client}, request=request)


@login_required
@require_GET
def my_records(request):
    exports.own_record(user=request.user)  # 404 for anyone without a client record
    return render(request, "interop/my_records.html", {"types": exports.RESOURCE_TYPES})


@login_required
@require_GET
def my_records_json(request):
    body = exports.record_json(
        user=request.user, base=request.build_absolute_uri("/fhir/R4").rstrip("/")
    )
    response = HttpResponse(body, content_type="application/fhir+json")
    response["Content-Disposition"] = 'attachment; filename="my-record.fhir.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def my_records_pdf(request):
    pdf = exports.record_pdf(user=request.user, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-record.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def reports(request):
    available = exports.reports_for(request.user)
    if not available:
        raise PermissionDenied
    programs = program_list_for_user(user=request.user).order_by("name")
    return render(
        request,
        "interop/reports.html",
        {"reports": available, "programs": programs, "instruments": list(INSTRUMENTS)},
    )


@login_required
@require_GET
def report_download(request, key: str):
    try:
        report, chunks = exports.report_csv(user=request.user, key=key, params=request.GET.dict())
    except exports.ReportError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.key}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
