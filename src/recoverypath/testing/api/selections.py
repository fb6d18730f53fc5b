"""Tests asked of clients (selections): drawn at random, or added by staff for cause or on a
schedule, and excused."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.clients.selectors import CLIENTS, client_for_user_account
from recoverypath.core.params import AuditedListMixin, ScopedIdField

from .. import selectors, services
from ..catalog import SPECIMEN_TYPES
from ..models import TestSelection
from ._common import CLIENT_PARAM, client_filtered


class SelectionSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    policy = serializers.IntegerField(source="policy_id", read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=TestSelection.Kind.choices, read_only=True)
    status = serializers.ChoiceField(choices=TestSelection.Status.choices, read_only=True)
    specimen_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SPECIMEN_TYPES), read_only=True
    )

    class Meta:
        model = TestSelection
        fields = [
            "id",
            "client",
            "policy",
            "kind",
            "date",
            "window_opens_at",
            "window_closes_at",
            "site",
            "observed",
            "specimen_types",
            "reason",
            "status",
            "seen_at",
            "reminded_at",
            "closed_at",
            "created_at",
        ]
        read_only_fields = fields


class SelectionInputSerializer(serializers.Serializer):
    client = ScopedIdField(CLIENTS)
    kind = serializers.ChoiceField(
        choices=[(k, v) for k, v in TestSelection.Kind.choices if k != "random"],
        help_text="Random tests come from the daily draw only.",
    )
    date = serializers.DateField(required=False, help_text="Default: today.")
    window_start = serializers.TimeField(required=False)
    window_end = serializers.TimeField(required=False)
    site = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ExcuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=400)


class SelectionViewSet(
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Tests asked of clients: drawn at random each day, or added by staff for cause or on a
    schedule. A client reading their own open tests counts as having seen them."""

    serializer_class = SelectionSerializer
    queryset = TestSelection.objects.none()

    def get_queryset(self):
        qs = client_filtered(
            selectors.selection_queryset_for_user(user=self.request.user),
            self.request.query_params,
        )
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in TestSelection.Status.values:
                raise serializers.ValidationError(
                    {"status": [f"Choose one of {', '.join(TestSelection.Status.values)}."]}
                )
            qs = qs.filter(status=wanted)
        return qs

    def get_object(self):
        return selectors.selection_get(user=self.request.user, selection_id=self.kwargs["pk"])

    @extend_schema(
        parameters=[
            CLIENT_PARAM,
            OpenApiParameter("status", str, enum=TestSelection.Status.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        own = client_for_user_account(user=request.user)
        if own is not None:
            services.selections_mark_seen(actor=request.user, client=own)
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=SelectionInputSerializer, responses={201: SelectionSerializer})
    def create(self, request):
        data = SelectionInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        client = values.pop("client")
        selection = services.selection_add(
            actor=request.user,
            client=client,
            kind=values["kind"],
            day=values.get("date"),
            window_start=values.get("window_start"),
            window_end=values.get("window_end"),
            site=values.get("site", ""),
            reason=values.get("reason", ""),
        )
        return Response(SelectionSerializer(selection).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ExcuseSerializer,
        responses=SelectionSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"])
    def excuse(self, request, pk=None):
        selection = self.get_object()
        data = ExcuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        selection = services.selection_excuse(
            actor=request.user, selection=selection, reason=data.validated_data["reason"]
        )
        return Response(SelectionSerializer(selection).data)
