"""The outcome report: a program admin picks a program and a period and reads the figures as
tables and server-drawn charts, or downloads them as CSV."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from recoverypath.clients.views import staff_required
from recoverypath.core import permissions
from recoverypath.core.hooks.navigation import NavItem

from . import selectors
from .chart import rate_chart
from .figures import Figures
from .forms import ReportForm
from .warnings import MIN_GROUP_CLIENTS


def nav_items(request) -> list[NavItem]:
    if not permissions.staff_program_ids(request.user, min_rank=permissions.Rank.ADMIN):
        return []
    return [NavItem(_("Outcomes"), reverse("outcomes:report"), order=80)]


def rows(figures: Figures) -> list[tuple[str, str, str, str, str]]:
    """(section, figure, value, numerator, denominator): the table and the CSV alike."""
    out = []
    for section, rates in (
        ("Retention", figures.retention),
        ("Discharge", figures.completion),
        ("Connection to aftercare", figures.connection),
        ("Check-ins", [figures.check_in_engagement]),
        ("Testing", figures.testing),
    ):
        for rate in rates:
            out.append(
                (section, rate.label, rate.percent, str(rate.numerator), str(rate.denominator))
            )
    median = figures.median_days_to_aftercare
    out.append(
        (
            "Connection to aftercare",
            "Median days to first aftercare contact",
            "-" if median is None else f"{median:g}",
            "",
            "",
        )
    )
    per100 = figures.lapses_per_100_client_months
    out.append(
        (
            "Lapses",
            "Lapses per 100 client-months",
            "-" if per100 is None else f"{per100:.1f}",
            str(figures.lapses),
            f"{float(figures.client_months):.2f} client-months",
        )
    )
    for change in figures.score_changes:
        improved = change.improved_rate
        mean = "-" if change.mean_change is None else f"{change.mean_change:+.1f}"
        out.append(
            (
                "Score change",
                f"{change.instrument.upper()} intake to {change.when}: reliable improvement"
                if improved
                else f"{change.instrument.upper()} intake to {change.when}: mean change",
                f"{improved.percent} (mean {mean})" if improved else mean,
                str(change.improved) if improved else "",
                str(change.clients),
            )
        )
    return out


@staff_required
def report(request):
    programs = selectors.report_programs(user=request.user)
    if not programs.exists():
        raise Http404
    form = ReportForm(request.GET or None, user=request.user, programs=programs)
    context = {"form": form, "figures": None}
    status = 200
    if request.GET:
        if not form.is_valid():
            status = 400
        else:
            program, figures = selectors.outcome_report(
                user=request.user,
                program_id=form.cleaned_data["program"].id,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
            selectors.report_read_audit(
                user=request.user,
                program=program,
                object_type="outcomes.report",
                start=figures.start,
                end=figures.end,
                export=request.GET.get("format") == "csv",
            )
            table = rows(figures)
            if request.GET.get("format") == "csv":
                response = HttpResponse(content_type="text/csv")
                name = f"outcomes-{program.id}-{figures.start}-{figures.end}.csv"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                writer = csv.writer(response)
                writer.writerow(["section", "figure", "value", "numerator", "denominator"])
                writer.writerows(table)
                return response
            context.update(
                {
                    "program": program,
                    "figures": figures,
                    "table": table,
                    "charts": [
                        rate_chart(
                            "Retention and discharge", figures.retention + figures.completion
                        ),
                        rate_chart("Connection to aftercare", figures.connection),
                        rate_chart(
                            "Engagement and testing",
                            [figures.check_in_engagement, *figures.testing],
                        ),
                    ],
                    "csv_query": request.GET.urlencode() + "&format=csv",
                }
            )
    return render(request, "outcomes/report.html", context, status=status)


@staff_required
def warnings_report(request):
    """How well the early warnings predicted lapses and missed weeks (program admins)."""
    programs = selectors.report_programs(user=request.user)
    if not programs.exists():
        raise Http404
    form = ReportForm(request.GET or None, user=request.user, programs=programs)
    context = {"form": form, "perf": None}
    status = 200
    if request.GET:
        if not form.is_valid():
            status = 400
        else:
            program, perf = selectors.warning_performance(
                user=request.user,
                program_id=form.cleaned_data["program"].id,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
            fmt = request.GET.get("format")
            selectors.report_read_audit(
                user=request.user,
                program=program,
                object_type="outcomes.warning_performance",
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                export=fmt == "csv",
            )
            labels = selectors.warning_rule_labels()
            rule_rows = [
                (labels.get(r.rule, r.rule), r, _pct(r.precision), _pct(r.recall))
                for r in perf.rules
            ]
            if fmt == "csv":
                response = HttpResponse(content_type="text/csv")
                name = f"early-warnings-{program.id}.csv"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                writer = csv.writer(response)
                writer.writerow(
                    [
                        "rule",
                        "horizon_days",
                        "warned",
                        "warned_then_event",
                        "events",
                        "precision",
                        "recall",
                        "mean_lead_days",
                    ]
                )
                for _rule, r, _n, _m in rule_rows:
                    writer.writerow(
                        [
                            r.rule,
                            r.horizon,
                            r.warned,
                            r.warned_and_event,
                            r.events,
                            _num(r.precision),
                            _num(r.recall),
                            _num(r.mean_lead_days),
                        ]
                    )
                for a in [perf.overall, perf.overall_14, *perf.by_group]:
                    too_few = " - too few clients for a figure" if a.too_few else ""
                    writer.writerow(
                        [
                            f"risk score AUC ({a.label}){too_few}",
                            14,
                            a.positives + a.negatives,
                            "",
                            a.positives,
                            _num(a.value),
                            f"{_num(a.low)}-{_num(a.high)}",
                            "",
                        ]
                    )
                return response
            context.update(
                {
                    "program": program,
                    "perf": perf,
                    "rule_rows": rule_rows,
                    "overall": [perf.overall, perf.overall_14],
                    "min_group_clients": MIN_GROUP_CLIENTS,
                }
            )
    context.setdefault("min_group_clients", MIN_GROUP_CLIENTS)
    return render(request, "outcomes/warnings.html", context, status=status)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
