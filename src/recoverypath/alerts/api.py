"""/api/v1/alerts/: the inbox for programs' coordinators, clinicians and admins."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.accounts.selectors import STAFF
from recoverypath.core.audit import audit_record_list
from recoverypath.core.params import ScopedIdField, id_param
from recoverypath.core.routers import Router

from . import selectors, services
from .models import Alert, Chain, EscalationPolicy, Severity


class AlertSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "client",
            "kind",
            "kind_label",
            "severity",
            "status",
            "reason",
            "raised_at",
            "assignee",
            "source_url",
            "acknowledged_at",
            "resolved_at",
            "resolution_note",
            "escalation_level",
        ]
        read_only_fields = fields


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)


class AssignSerializer(serializers.Serializer):
    assignee = ScopedIdField(STAFF, allow_null=True, help_text="A colleague's user id, or null.")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("client", int),
            OpenApiParameter("status", str, enum=list(selectors.STATUS_FILTERS)),
            OpenApiParameter("severity", str, enum=Severity.values),
            OpenApiParameter("kind", str),
        ]
    )
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alerts of the clients in the caller's programs, most severe and oldest first.

    Coordinators, clinicians and admins only; `status` defaults to `all` here.
    """

    serializer_class = AlertSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "list" and not selectors.alert_program_ids(user=request.user):
            raise PermissionDenied("Alerts are for coordinators, clinicians and admins.")

    def get_queryset(self):
        params = self.request.query_params
        status = params.get("status", "all")
        if status not in selectors.STATUS_FILTERS:
            raise serializers.ValidationError(
                {"status": [f"Choose one of {', '.join(selectors.STATUS_FILTERS)}."]}
            )
        severity = params.get("severity", "")
        if severity and severity not in Severity.values:
            raise serializers.ValidationError(
                {"severity": ["Choose critical, high, medium or low."]}
            )
        return selectors.alert_inbox(
            user=self.request.user,
            status=status,
            severity=severity,
            kind=params.get("kind", "")[:64],
            client_id=id_param(params, "client"),
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        audit_record_list(actor=request.user, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        return selectors.alert_get(user=self.request.user, alert_id=self.kwargs["pk"])

    def _quiet_object(self):
        return selectors.alert_get(user=self.request.user, alert_id=self.kwargs["pk"], audit=False)

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = services.alert_acknowledge(actor=request.user, alert=self._quiet_object())
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=ResolveSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        alert = self._quiet_object()
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_resolve(
            actor=request.user, alert=alert, note=data.validated_data["note"]
        )
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=AssignSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        alert = self._quiet_object()
        data = AssignSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        assignee = data.validated_data["assignee"]
        if assignee is not None:
            assignee = (
                selectors.alert_assignee_choices(program_id=alert.client.program_id)
                .filter(id=assignee.id)
                .first()
            )
            if assignee is None:
                raise ValidationError({"assignee": services.ASSIGNEE_ERROR})
        alert = services.alert_assign(actor=request.user, alert=alert, assignee=assignee)
        return Response(AlertSerializer(alert).data)


class EscalationPolicySerializer(serializers.ModelSerializer):
    program = serializers.IntegerField(source="program_id", read_only=True)
    critical_minutes = serializers.IntegerField(
        allow_null=True,
        help_text=(
            f"Minutes between pages, 1 to {services.CRITICAL_MAX_MINUTES}. Required: critical "
            "escalation cannot be switched off (null is refused)."
        ),
    )
    high_minutes = serializers.IntegerField(allow_null=True, help_text="Minutes; null: never.")
    medium_minutes = serializers.IntegerField(allow_null=True, help_text="Minutes; null: never.")
    low_minutes = serializers.IntegerField(allow_null=True, help_text="Minutes; null: never.")
    chain = serializers.ChoiceField(choices=Chain.choices, required=False)

    class Meta:
        model = EscalationPolicy
        fields = [
            "program",
            "critical_minutes",
            "high_minutes",
            "medium_minutes",
            "low_minutes",
            "chain",
        ]


class EscalationPolicyViewSet(viewsets.GenericViewSet):
    """A program's escalation policy, for its admins (others: 404). The id is the program's."""

    serializer_class = EscalationPolicySerializer
    queryset = EscalationPolicy.objects.none()

    def list(self, request):
        rows = selectors.escalation_policies_for_user(user=request.user)
        if not rows:
            raise PermissionDenied("Escalation policies are for program admins.")
        page = self.paginate_queryset([policy for _, policy in rows])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        program = selectors.escalation_program_get(user=request.user, program_id=int(pk))
        return Response(self.get_serializer(selectors.escalation_policy_for(program=program)).data)

    @extend_schema(request=EscalationPolicySerializer, responses=EscalationPolicySerializer)
    def update(self, request, pk=None):
        """Replace the policy. A null or missing critical_minutes is a 400."""
        program = selectors.escalation_program_get(user=request.user, program_id=int(pk))
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        policy = services.escalation_policy_update(
            actor=request.user,
            program=program,
            critical_minutes=values["critical_minutes"],
            high_minutes=values["high_minutes"],
            medium_minutes=values["medium_minutes"],
            low_minutes=values["low_minutes"],
            chain=values.get("chain"),
        )
        return Response(self.get_serializer(policy).data)


router = Router()
router.register("alerts", AlertViewSet, basename="alert")
router.register("escalation-policies", EscalationPolicyViewSet, basename="escalation-policy")

urlpatterns = [path("", include(router.urls))]
