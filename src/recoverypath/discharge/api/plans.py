"""Discharge plans over JSON: list, read, update, readiness, graduate, the alumni answer; checklist
items (PATCH)."""

from __future__ import annotations

from django.db.models import F
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.core.params import AuditedListMixin, id_param

from .. import selectors, services
from ..models import ChecklistItem, DischargePlan, DischargeSummary


class ChecklistItemSerializer(serializers.ModelSerializer):
    # An output field named "label" shadows Field.label in the DRF stubs.
    label = serializers.CharField(source="get_kind_display", read_only=True)  # type: ignore[assignment]

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "plan",
            "kind",
            "label",
            "status",
            "required",
            "owner",
            "due_date",
            "evidence",
            "data",
            "completed_at",
            "completed_by",
        ]
        read_only_fields = fields  # output only: writes go through ChecklistItemWriteSerializer


class ChecklistItemWriteSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ChecklistItem.Status.choices, required=False)
    # An input field named "data" shadows Serializer.data in the DRF stubs.
    data = serializers.JSONField(required=False)  # type: ignore[assignment]
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    due_date = serializers.DateField(required=False)

    def validate_data(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be an object.")
        return value


class ReadinessSerializer(serializers.Serializer):
    ready = serializers.BooleanField()
    days_left = serializers.IntegerField()
    missing = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    def get_missing(self, obj) -> list[str]:
        return [item.kind for item in obj.missing]

    def get_overdue(self, obj) -> list[str]:
        return [item.kind for item in obj.overdue]


class DischargePlanSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)
    summary_id = serializers.SerializerMethodField()

    class Meta:
        model = DischargePlan
        fields = [
            "id",
            "client",
            "program",
            "episode",
            "owner",
            "status",
            "target_graduation_date",
            "diagnoses",
            "graduated_on",
            "override_reason",
            "override_open_items",
            "last_iop_session_on",
            "alumni_offered_at",
            "alumni_response",
            "items",
            "summary_id",
        ]
        read_only_fields = [f for f in fields if f not in ("target_graduation_date", "diagnoses")]

    def get_summary_id(self, obj) -> int | None:
        if hasattr(obj, "summary_pk"):  # annotated by the list: no query per plan
            return obj.summary_pk
        return DischargeSummary.objects.filter(plan=obj).values_list("id", flat=True).first()


class GraduateSerializer(serializers.Serializer):
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    graduation_date = serializers.DateField(required=False)


class DischargePlanViewSet(
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Discharge plans: coordinators and above of the program; a client reads only their own."""

    serializer_class = DischargePlanSerializer

    @extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        qs = selectors.plan_with_items(selectors.plan_queryset_for_user(user=self.request.user))
        qs = qs.annotate(summary_pk=F("summary__id"))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        client_id = id_param(params, "client")
        if client_id:
            qs = qs.filter(client_id=client_id)
        return qs.order_by("target_graduation_date", "id")

    def get_object(self):
        return selectors.plan_get(user=self.request.user, plan_id=self.kwargs["pk"])

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.discharge_plan_update(
            actor=self.request.user,
            plan=serializer.instance,
            target_graduation_date=data.get("target_graduation_date"),
            diagnoses=data.get("diagnoses"),
        )

    @extend_schema(responses=ReadinessSerializer)
    @action(detail=True, methods=["get"])
    def readiness(self, request, pk=None):
        plan = self.get_object()
        return Response(ReadinessSerializer(selectors.plan_readiness(plan=plan)).data)

    @extend_schema(request=GraduateSerializer, responses=DischargePlanSerializer)
    @action(detail=True, methods=["post"])
    def graduate(self, request, pk=None):
        plan = self.get_object()
        body = GraduateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.discharge_graduate(actor=request.user, plan=plan, **body.validated_data)
        plan = selectors.plan_get(user=request.user, plan_id=plan.id, audit=False)
        return Response(DischargePlanSerializer(plan).data)

    @extend_schema(request=serializers.Serializer, responses=DischargePlanSerializer)
    @action(detail=True, methods=["post"], url_path="alumni")
    def alumni(self, request, pk=None):
        plan = self.get_object()
        services.alumni_offer_respond(
            actor=request.user, plan=plan, accept=bool(request.data.get("accept"))
        )
        return Response(DischargePlanSerializer(plan).data)


class ChecklistItemViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One checklist item; PATCH to change status, data, evidence or due date."""

    serializer_class = ChecklistItemSerializer

    queryset = ChecklistItem.objects.none()  # for the schema; get_object scopes by user

    def get_object(self):
        return selectors.checklist_item_get(user=self.request.user, item_id=self.kwargs["pk"])

    @extend_schema(request=ChecklistItemWriteSerializer, responses=ChecklistItemSerializer)
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        body = ChecklistItemWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.checklist_item_update(actor=request.user, item=item, **body.validated_data)
        return Response(ChecklistItemSerializer(item).data)
