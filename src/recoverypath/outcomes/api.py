"""Outcome reports over JSON: the program's outcome figures and the early-warning performance
report, for a program and a period, from the same selectors as the report pages.

Program admins only: anyone else gets 403; a program the caller is not an admin of is a 400
"Not found." on `program`, as any id out of reach."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from recoverypath.core.params import ScopedIdField
from recoverypath.core.timezones import local_today

from . import selectors
from .figures import FOLLOW_UPS, INSTRUMENTS, Figures, Rate
from .warnings import HORIZONS, MIN_GROUP_CLIENTS, Performance

ADMINS_ONLY = "Outcome reports are for program admins."
DEFAULT_DAYS = 365

# Input


class ReportQuerySerializer(serializers.Serializer):
    program = ScopedIdField(
        selectors.REPORT_PROGRAMS, help_text="A program the caller is an admin of."
    )
    start = serializers.DateField(
        required=False, help_text="First day (default: a year before `end`)."
    )
    end = serializers.DateField(
        required=False, help_text="Last day (default: today in the program's time zone)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        end = attrs.get("end") or local_today(attrs["program"].time_zone)
        start = attrs.get("start") or end - timedelta(days=DEFAULT_DAYS)
        selectors.period_check(start, end)
        return {**attrs, "start": start, "end": end}


# Output


class RateSerializer(serializers.Serializer):
    figure = serializers.CharField(source="label", help_text="What is counted.")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField(help_text="Who was counted; 0 gives no value.")
    value = serializers.FloatField(allow_null=True, help_text="numerator / denominator, 0-1.")


class ScoreChangeSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(choices=list(INSTRUMENTS))
    when = serializers.ChoiceField(choices=list(FOLLOW_UPS))
    clients = serializers.IntegerField(help_text="Clients with an intake and a later score.")
    improved = serializers.IntegerField(
        allow_null=True, help_text="With a reliable improvement; null: no threshold."
    )
    improved_share = serializers.FloatField(allow_null=True)
    mean_change = serializers.FloatField(allow_null=True, help_text="Later minus intake.")


class OutcomeReportSerializer(serializers.Serializer):
    program = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    retention = RateSerializer(many=True)
    completion = RateSerializer(many=True)
    connection = RateSerializer(many=True)
    median_days_to_aftercare = serializers.FloatField(allow_null=True)
    score_changes = ScoreChangeSerializer(many=True)
    check_in_engagement = RateSerializer()
    lapses = serializers.IntegerField()
    client_months = serializers.FloatField()
    lapses_per_100_client_months = serializers.FloatField(allow_null=True)
    testing = RateSerializer(many=True)


class WarningRuleSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=sorted(selectors.warning_rule_labels()))
    name = serializers.CharField(help_text="The rule's name for people.")
    horizon_days = serializers.ChoiceField(choices=list(HORIZONS))
    warned = serializers.IntegerField(help_text="Client-weeks with a warning of the rule.")
    warned_and_event = serializers.IntegerField()
    events = serializers.IntegerField(help_text="Client-weeks followed by an event.")
    precision = serializers.FloatField(allow_null=True)
    recall = serializers.FloatField(allow_null=True)
    mean_lead_days = serializers.FloatField(allow_null=True)


class AucSerializer(serializers.Serializer):
    group = serializers.CharField(
        source="label", help_text='e.g. "All clients, 7 days", "sex: female".'
    )
    auc = serializers.FloatField(allow_null=True, source="value")
    low = serializers.FloatField(allow_null=True, help_text="95% interval (Hanley-McNeil).")
    high = serializers.FloatField(allow_null=True)
    positives = serializers.IntegerField(help_text="Client-weeks followed by an event.")
    negatives = serializers.IntegerField()
    clients = serializers.IntegerField()
    too_few = serializers.BooleanField(
        help_text="A subgroup of too few clients: counts only, no AUC."
    )


class WarningPerformanceSerializer(serializers.Serializer):
    program = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    weeks = serializers.IntegerField(help_text="Client-weeks judged.")
    rules = WarningRuleSerializer(many=True)
    risk_score = AucSerializer(many=True, help_text="All clients, within 7 and 14 days.")
    subgroups = AucSerializer(
        many=True,
        help_text="Within 7 days, by sex, age band and (where recorded) ethnicity and race.",
    )
    race_ethnicity_recorded = serializers.BooleanField()
    min_group_clients = serializers.IntegerField()


def _rate(rate: Rate) -> dict[str, Any]:
    return {
        "label": rate.label,
        "numerator": rate.numerator,
        "denominator": rate.denominator,
        "value": rate.value,
    }


def figures_body(program_id: int, figures: Figures) -> dict[str, Any]:
    return {
        "program": program_id,
        "start": figures.start,
        "end": figures.end,
        "retention": [_rate(r) for r in figures.retention],
        "completion": [_rate(r) for r in figures.completion],
        "connection": [_rate(r) for r in figures.connection],
        "median_days_to_aftercare": figures.median_days_to_aftercare,
        "score_changes": [
            {
                "instrument": c.instrument,
                "when": c.when,
                "clients": c.clients,
                "improved": c.improved,
                "improved_share": c.improved_rate.value if c.improved_rate else None,
                "mean_change": c.mean_change,
            }
            for c in figures.score_changes
        ],
        "check_in_engagement": _rate(figures.check_in_engagement),
        "lapses": figures.lapses,
        "client_months": float(figures.client_months),
        "lapses_per_100_client_months": figures.lapses_per_100_client_months,
        "testing": [_rate(r) for r in figures.testing],
    }


def performance_body(program_id: int, start: date, end: date, perf: Performance) -> dict[str, Any]:
    labels = selectors.warning_rule_labels()
    return {
        "program": program_id,
        "start": start,
        "end": end,
        "weeks": perf.weeks,
        "rules": [
            {
                "rule": r.rule,
                "name": labels.get(r.rule, r.rule),
                "horizon_days": r.horizon,
                "warned": r.warned,
                "warned_and_event": r.warned_and_event,
                "events": r.events,
                "precision": r.precision,
                "recall": r.recall,
                "mean_lead_days": r.mean_lead_days,
            }
            for r in perf.rules
        ],
        "risk_score": [perf.overall, perf.overall_14],
        "subgroups": perf.by_group,
        "race_ethnicity_recorded": perf.race_ethnicity_recorded,
        "min_group_clients": MIN_GROUP_CLIENTS,
    }


class _ReportView(GenericAPIView):
    object_type = ""

    def _query(self, request) -> dict[str, Any]:
        if not selectors.report_programs(user=request.user).exists():
            raise PermissionDenied(ADMINS_ONLY)
        query = ReportQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        return dict(query.validated_data)

    def _audit(self, request, program, start: date, end: date) -> None:
        selectors.report_read_audit(
            user=request.user, program=program, object_type=self.object_type, start=start, end=end
        )


class OutcomeReportView(_ReportView):
    """The program's outcome figures for a period (program admins): retention, completion,
    connection to aftercare, score changes, check-in engagement, lapses and testing. Each rate
    carries its numerator and denominator."""

    serializer_class = OutcomeReportSerializer
    object_type = "outcomes.report"

    @extend_schema(parameters=[ReportQuerySerializer], responses=OutcomeReportSerializer)
    def get(self, request):
        query = self._query(request)
        program, figures = selectors.outcome_report(
            user=request.user,
            program_id=query["program"].id,
            start=query["start"],
            end=query["end"],
        )
        self._audit(request, program, figures.start, figures.end)
        return Response(OutcomeReportSerializer(figures_body(program.id, figures)).data)


class WarningPerformanceView(_ReportView):
    """How well the early warnings foretold lapses and missed weeks (program admins): precision,
    recall and lead time per rule, the risk score's AUC, and the same by subgroup."""

    serializer_class = WarningPerformanceSerializer
    object_type = "outcomes.warning_performance"

    @extend_schema(parameters=[ReportQuerySerializer], responses=WarningPerformanceSerializer)
    def get(self, request):
        query = self._query(request)
        start, end = query["start"], query["end"]
        program, perf = selectors.warning_performance(
            user=request.user, program_id=query["program"].id, start=start, end=end
        )
        self._audit(request, program, start, end)
        body = performance_body(program.id, start, end, perf)
        return Response(WarningPerformanceSerializer(body).data)


urlpatterns = [
    path("outcome-reports/", OutcomeReportView.as_view(), name="api-outcome-report"),
    path(
        "early-warning-performance/",
        WarningPerformanceView.as_view(),
        name="api-early-warning-performance",
    ),
]
