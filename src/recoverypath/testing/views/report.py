"""The program's testing report: a table, a weekly chart, and the same figures as CSV."""

from __future__ import annotations

import csv

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render

from recoverypath.clients.views import staff_required
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.forms import add_service_errors
from recoverypath.core.timezones import local_today

from .. import selectors
from ..chart import weekly_chart
from ..forms import ReportForm


@staff_required
def report(request):
    programs = selectors.report_programs(user=request.user)
    if not programs:
        raise PermissionDenied
    today = local_today(programs[0].time_zone)
    data = request.GET if "program" in request.GET else None
    form = ReportForm(data, user=request.user, programs=programs, today=today)
    if data is None:
        form = ReportForm(
            {
                "program": programs[0].id,
                "start": form.fields["start"].initial,
                "end": form.fields["end"].initial,
            },
            user=request.user,
            programs=programs,
        )
    if not form.is_valid():
        return render(request, "testing/report.html", {"form": form, "report": None}, status=400)
    try:
        result = selectors.program_report(
            user=request.user,
            program=form.cleaned_data["program"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render(request, "testing/report.html", {"form": form, "report": None}, status=400)
    if request.GET.get("format") == "csv":
        audit_record(
            actor=request.user,
            action=Action.EXPORT,
            object_type="testing.report",
            object_id=str(result.program.id),
            organization_id=result.program.organization_id,
        )
        return _csv(result)
    return render(
        request,
        "testing/report.html",
        {"form": form, "report": result, "chart": weekly_chart(result.weeks)},
    )


def _csv(result) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"testing-{result.program.slug}-{result.start}-{result.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(
        ["week", "tests asked", "given", "no-shows", "excused", "all tests", "compliance %"]
    )
    for w in result.weeks:
        writer.writerow(
            [
                w.week,
                w.selected,
                w.collected,
                w.no_shows,
                w.excused,
                w.tests,
                "" if w.compliance is None else w.compliance,
            ]
        )
    writer.writerow([])
    writer.writerow(["analyte", "tested", "positive", "positive expected", "positivity %"])
    for a in result.analytes:
        writer.writerow(
            [
                a.label,
                a.tested,
                a.positive,
                a.expected,
                "" if a.positivity is None else a.positivity,
            ]
        )
    writer.writerow(["Breath alcohol", result.breath_tests, result.breath_positive, 0, ""])
    return response
