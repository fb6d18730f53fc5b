"""The coordinator dashboard and the early-warning rule settings over JSON, from the same
selectors and services as /aftercare/caseload/ and /aftercare/rules/<program>/."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from recoverypath.accounts.selectors import programs_empty
from recoverypath.aftercare.selectors import OPEN_PLAN_STATUSES, plans_empty
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, audit_record_list
from recoverypath.core.routers import ID_PATTERN, Router

from . import dashboard, services
from .config import DEFAULTS, PARAM_LIMITS, rule_configs, rules_program_get
from .models import Rule

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User

RISK_CHOICES = ["alerts", "high", "warning"]


class DashboardFilterSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    mine = serializers.BooleanField(required=False, default=False)
    program = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    risk = serializers.ChoiceField(choices=RISK_CHOICES, required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=list(OPEN_PLAN_STATUSES), required=False, allow_blank=True
    )

    def validate_program(self, value: int) -> int:
        user = self.context["request"].user
        if value not in permissions.staff_program_ids(user, min_rank=permissions.Rank.COORDINATOR):
            raise serializers.ValidationError("Choose one of your programs.")
        return value


class CaseloadRowSerializer(serializers.Serializer):
    risk_order = serializers.IntegerField(help_text="1 is the riskiest client on the list.")
    client = serializers.IntegerField(source="client.id")
    name = serializers.CharField(source="client.display_name")
    mrn = serializers.CharField(source="client.mrn")
    plan = serializers.IntegerField(source="plan.id")
    plan_status = serializers.CharField(source="plan.status")
    days_sober = serializers.IntegerField(allow_null=True)
    last_check_in = serializers.DateField(allow_null=True)
    days_since_check_in = serializers.IntegerField(allow_null=True)
    moods = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Mood 1-5 for the last 14 local days, oldest first; null without a check-in.",
    )
    cravings = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Craving 0-10 for the same 14 days.",
    )
    adherence = serializers.IntegerField(allow_null=True, help_text="Percent over 14 days.")
    open_alerts = serializers.IntegerField()
    top_severity = serializers.CharField(help_text="Severity of the worst open alert, or empty.")
    top_alert_reason = serializers.CharField()
    last_warning = serializers.DateTimeField(allow_null=True)
    next_appointment = serializers.DateTimeField(allow_null=True)


class CoordinatorDashboardViewSet(viewsets.GenericViewSet):
    """The aftercare caseload, riskiest first (open-alert severity, then the latest warning
    sign, then name), for coordinators, clinicians and admins; others get 403."""

    serializer_class = CaseloadRowSerializer
    queryset = plans_empty()

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search by name or MRN"),
            OpenApiParameter("mine", bool, description="Only the caller's clients"),
            OpenApiParameter("program", int),
            OpenApiParameter("risk", str, enum=RISK_CHOICES),
            OpenApiParameter("status", str, enum=list(OPEN_PLAN_STATUSES)),
        ]
    )
    def list(self, request, *args, **kwargs):
        if not permissions.staff_program_ids(request.user, min_rank=permissions.Rank.COORDINATOR):
            raise PermissionDenied("The coordinator dashboard is for coordinators and clinicians.")
        filters = DashboardFilterSerializer(data=request.query_params, context={"request": request})
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        plans = dashboard.caseload_queryset(
            user=request.user,
            coordinator_id=request.user.id if data["mine"] else None,
            program_id=data.get("program"),
            risk=data.get("risk") or "",
            status=data.get("status") or "",
            search=data["q"],
        )
        page = self.paginate_queryset(plans)
        rows = dashboard.caseload_rows(plans=page)
        audit_record_list(actor=request.user, objects=[r.client for r in rows], client_id_attr="id")
        offset = (self.paginator.page.number - 1) * self.paginator.get_page_size(request)
        for index, row in enumerate(rows, start=offset + 1):
            row.risk_order = index
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class RuleSettingSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=Rule.choices)
    # An output field named "label" shadows Field.label in the DRF stubs.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    enabled = serializers.BooleanField(required=False)
    params = serializers.DictField(child=serializers.IntegerField(), required=False)
    limits = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()), read_only=True
    )


class RuleSettingsSerializer(serializers.Serializer):
    program = serializers.IntegerField(read_only=True)
    rules = RuleSettingSerializer(many=True)

    def validate_rules(self, value: list[dict]) -> list[dict]:
        seen = [item["rule"] for item in value]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError("Give each rule once.")
        return value


def _settings_body(program: Program, configs: dict | None = None) -> dict:
    if configs is None:
        configs = rule_configs(program_id=program.id)
    return {
        "program": program.id,
        "rules": [
            {
                "rule": rule.value,
                "label": rule.label,
                "enabled": configs[rule.value].enabled,
                "params": dict(configs[rule.value].params),
                "limits": {name: list(PARAM_LIMITS[name]) for name in DEFAULTS[rule.value]},
            }
            for rule in Rule
        ],
    }


class EarlyWarningRulesViewSet(viewsets.GenericViewSet):
    """A program's early-warning rules: on/off and thresholds. Program admins only; for
    everyone else the program does not exist (404), as on the web page."""

    serializer_class = RuleSettingsSerializer
    queryset = programs_empty()
    lookup_value_regex = ID_PATTERN

    def get_object(self) -> Program:
        # IsAuthenticated (the API default) lets only signed-in users this far.
        user = cast("User", self.request.user)
        return rules_program_get(user=user, program_id=self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        program = self.get_object()
        audit_record(
            actor=request.user,
            action=Action.READ,
            obj=program,
            organization_id=program.organization_id,
            object_type="earlywarning.rules",
        )
        return Response(_settings_body(program))

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def update(self, request, *args, **kwargs):
        """Rules listed are changed (a parameter left out keeps its value); others stay."""
        program = self.get_object()
        body = RuleSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = {
            item["rule"]: {k: v for k, v in item.items() if k in ("enabled", "params")}
            for item in body.validated_data["rules"]
        }
        configs = services.rule_settings_update(actor=request.user, program=program, rules=changes)
        return Response(_settings_body(program, configs))


router = Router()
router.register(
    "coordinator-dashboard", CoordinatorDashboardViewSet, basename="coordinator-dashboard"
)
router.register("early-warning-rules", EarlyWarningRulesViewSet, basename="early-warning-rules")

urlpatterns = [path("", include(router.urls))]
