"""Testing policies: how often and how each client is tested at random."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.clients.selectors import CLIENTS
from recoverypath.core.params import AuditedListMixin, ScopedIdField

from .. import draw, selectors, services
from ..catalog import SPECIMEN_TYPES
from ..models import TestingPolicy
from ._common import CLIENT_PARAM, WEEKDAY_HELP, client_filtered, panel_for_client


class PolicySerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    program = serializers.IntegerField(source="program_id", read_only=True)
    panel = serializers.IntegerField(source="panel_id", read_only=True, allow_null=True)
    panel_name = serializers.CharField(source="panel.name", read_only=True, default="")
    period = serializers.ChoiceField(choices=TestingPolicy.Period.choices, read_only=True)
    origin = serializers.ChoiceField(choices=TestingPolicy.Origin.choices, read_only=True)
    status = serializers.ChoiceField(choices=TestingPolicy.Status.choices, read_only=True)
    specimen_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SPECIMEN_TYPES), read_only=True
    )
    window_days = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text=WEEKDAY_HELP
    )
    daily_probability = serializers.SerializerMethodField(
        help_text="The chance of selection on each window day."
    )

    class Meta:
        model = TestingPolicy
        fields = [
            "id",
            "client",
            "program",
            "origin",
            "plan_component_id",
            "tests_per_period",
            "period",
            "daily_probability",
            "panel",
            "panel_name",
            "specimen_types",
            "window_days",
            "window_start",
            "window_end",
            "observed",
            "site",
            "start_date",
            "end_date",
            "status",
            "created_at",
        ]
        read_only_fields = fields

    def get_daily_probability(self, policy: TestingPolicy) -> float:
        return draw.daily_probability(policy.tests_per_period, policy.period, policy.window_days)


class PolicyInputSerializer(serializers.Serializer):
    client = ScopedIdField(CLIENTS)
    tests_per_period = serializers.IntegerField(min_value=1, max_value=31)
    period = serializers.ChoiceField(choices=TestingPolicy.Period.choices)
    panel = ScopedIdField(
        selectors.PANELS,
        required=False,
        allow_null=True,
        help_text="Needed for urine or oral fluid.",
    )
    specimen_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SPECIMEN_TYPES), allow_empty=False
    )
    window_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        allow_empty=False,
        help_text=WEEKDAY_HELP,
    )
    window_start = serializers.TimeField()
    window_end = serializers.TimeField()
    observed = serializers.BooleanField(default=False)
    site = serializers.CharField(max_length=300)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True)
    replace = serializers.BooleanField(
        default=False, help_text="End the client's current policy the day before this starts."
    )


class PolicyUpdateSerializer(serializers.Serializer):
    tests_per_period = serializers.IntegerField(min_value=1, max_value=31, required=False)
    period = serializers.ChoiceField(choices=TestingPolicy.Period.choices, required=False)
    panel = ScopedIdField(selectors.PANELS, required=False, allow_null=True)
    specimen_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SPECIMEN_TYPES), required=False
    )
    window_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False
    )
    window_start = serializers.TimeField(required=False)
    window_end = serializers.TimeField(required=False)
    observed = serializers.BooleanField(required=False)
    site = serializers.CharField(max_length=300, required=False)
    end_date = serializers.DateField(required=False, allow_null=True)


class PolicyEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(required=False, help_text="Default: the client's today.")


class PolicyViewSet(
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Testing policies: how often and how each client is tested at random."""

    serializer_class = PolicySerializer
    queryset = TestingPolicy.objects.none()

    def get_queryset(self):
        return client_filtered(
            selectors.policy_queryset_for_user(user=self.request.user), self.request.query_params
        )

    def get_object(self):
        return selectors.policy_get(user=self.request.user, policy_id=self.kwargs["pk"])

    @extend_schema(parameters=[CLIENT_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=PolicyInputSerializer, responses={201: PolicySerializer})
    def create(self, request):
        data = PolicyInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        client = values.pop("client")
        values["panel"] = panel_for_client(client, values.get("panel"))
        if values.get("start_date") is None:
            values.pop("start_date", None)
        policy = services.policy_start(actor=request.user, client=client, **values)
        return Response(PolicySerializer(policy).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PolicyUpdateSerializer,
        responses=PolicySerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    def partial_update(self, request, pk=None):
        policy = self.get_object()
        data = PolicyUpdateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "panel" in values:
            values["panel"] = panel_for_client(policy.client, values["panel"])
        policy = services.policy_update(actor=request.user, policy=policy, **values)
        return Response(PolicySerializer(policy).data)

    @extend_schema(
        request=PolicyEndSerializer,
        responses=PolicySerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        policy = self.get_object()
        data = PolicyEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.policy_end(
            actor=request.user, policy=policy, end_date=data.validated_data.get("end_date")
        )
        return Response(PolicySerializer(policy).data)
