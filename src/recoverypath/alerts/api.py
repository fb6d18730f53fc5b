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
from .models import Alert, Severity


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


router = Router()
router.register("alerts", AlertViewSet, basename="alert")

urlpatterns = [path("", include(router.urls))]
