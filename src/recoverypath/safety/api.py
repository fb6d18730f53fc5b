"""Safety plan API: every version of a client's plan, the current one, and writing a new one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.clients import selectors as client_selectors
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, audit_record_list
from recoverypath.core.params import ScopedIdField, id_param
from recoverypath.core.routers import Router

from . import selectors, services
from .models import SECTION_FIELDS, SafetyPlan


class SafetyPlanSerializer(serializers.ModelSerializer):
    client = ScopedIdField(client_selectors.CLIENTS)
    written_by = serializers.SerializerMethodField()

    class Meta:
        model = SafetyPlan
        fields = [
            "id",
            "client",
            "version",
            *SECTION_FIELDS,
            "written_with_client",
            "change_note",
            "written_by",
            "created_at",
        ]
        read_only_fields = ["id", "version", "written_by", "created_at"]

    def get_written_by(self, plan: SafetyPlan) -> str:
        return plan.written_by.get_full_name() if plan.written_by else ""


class SafetyPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Safety plan versions (newest first); POST writes a new version, never edits one."""

    serializer_class = SafetyPlanSerializer

    def get_queryset(self):
        qs = selectors.safety_plan_queryset_for_user(user=self.request.user)
        client_id = id_param(self.request.query_params, "client")
        if client_id:
            qs = qs.filter(client_id=client_id)
        return qs.order_by("client_id", "-version")

    @extend_schema(parameters=[OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        audit_record_list(actor=request.user, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        audit_record(
            actor=request.user,
            action=Action.READ,
            obj=plan,
            client_id=plan.client_id,
            organization_id=plan.client.organization_id,
        )
        return Response(self.get_serializer(plan).data)

    @extend_schema(parameters=[OpenApiParameter("client", int, required=True)])
    @action(detail=False, methods=["get"])
    def current(self, request):
        """The newest version for `?client=<id>`; 404 when the client has no plan yet."""
        client_id = id_param(request.query_params, "client")
        if client_id is None:
            raise serializers.ValidationError({"client": ["This parameter is required."]})
        client = client_selectors.client_get(user=request.user, client_id=client_id)
        if not permissions.can_view_clinical_record(request.user, client):
            raise PermissionDenied
        plan = selectors.safety_plan_current(client=client)
        if plan is None:
            raise Http404("No safety plan yet.")
        return Response(self.get_serializer(plan).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        client = data.pop("client")
        plan = services.safety_plan_create(actor=request.user, client=client, **data)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)


router = Router()
router.register("safety-plans", SafetyPlanViewSet, basename="safety-plan")

urlpatterns = [path("", include(router.urls))]
