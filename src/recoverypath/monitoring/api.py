from __future__ import annotations

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from recoverypath.clients.selectors import client_for_user_account, client_get
from recoverypath.core.audit import audit_record_list
from recoverypath.core.routers import Router

from . import selectors, services
from .models import CheckIn


class CheckInSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "client",
            "date",
            "mood",
            "craving",
            "sleep_hours",
            "stress",
            "used",
            "substances",
            "triggers",
            "trigger_other",
            "coping",
            "note",
            "revision",
            "submitted_at",
            "updated_at",
        ]
        read_only_fields = fields


class CheckInInputSerializer(serializers.Serializer):
    """Shapes only; the service validates ranges and dates so web and API share one rule."""

    date = serializers.CharField(required=False, allow_blank=True)
    mood = serializers.JSONField(required=False)
    craving = serializers.JSONField(required=False)
    sleep_hours = serializers.JSONField(required=False)
    stress = serializers.JSONField(required=False)
    used = serializers.JSONField(required=False)
    substances = serializers.JSONField(required=False)
    triggers = serializers.JSONField(required=False)
    trigger_other = serializers.CharField(required=False, allow_blank=True)
    coping = serializers.JSONField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class CheckInViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Daily check-ins. POST: the client themself, for their local today (or up to 3 days back);
    the same day again updates it (200) instead of creating (201). GET `?client=<id>`: staff with
    coordination rights, or the client (their own, without the parameter)."""

    serializer_class = CheckInSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        client = self._client_for_list()
        queryset = selectors.check_in_list(user=request.user, client=client)
        page = self.paginate_queryset(queryset)
        audit_record_list(actor=request.user, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _client_for_list(self):
        raw = self.request.query_params.get("client")
        if raw in (None, ""):
            own = client_for_user_account(user=self.request.user)
            if own is None:
                raise serializers.ValidationError({"client": ["This parameter is required."]})
            return own
        try:
            client_id = int(raw)
        except ValueError as exc:
            raise serializers.ValidationError({"client": ["Must be a whole number."]}) from exc
        client = client_get(user=self.request.user, client_id=client_id, audit=False)
        if not selectors.can_read_monitoring(self.request.user, client):
            raise PermissionDenied("You cannot read this client's check-ins.")
        return client

    @extend_schema(request=CheckInInputSerializer, responses={201: CheckInSerializer})
    def create(self, request, *args, **kwargs):
        own = client_for_user_account(user=request.user)
        if own is None:
            raise PermissionDenied("Only a client can submit a check-in, for themself.")
        data = CheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.check_in_submit(actor=request.user, client=own, **data.validated_data)
        return Response(
            CheckInSerializer(result.check_in).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


router = Router()
router.register("check-ins", CheckInViewSet, basename="check-in")

urlpatterns = [path("", include(router.urls))]
