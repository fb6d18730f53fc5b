"""The testing API: policies, selections (random, for cause, scheduled), collections with their
results. The client reads their own; coordinators, clinicians and admins of the client's program
read and write; front desk, other programs and other organizations see nothing."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.clients.selectors import CLIENTS
from recoverypath.core.params import AuditedListMixin, ScopedIdField, id_param
from recoverypath.core.routers import Router

from . import draw, selectors, services
from .catalog import ANALYTE_CHOICES, SPECIMEN_TYPES
from .models import (
    AnalyteResult,
    Collection,
    TestingPolicy,
    TestSelection,
    Validity,
)

SPECIMEN_HELP = "urine, oral_fluid or breath"
WEEKDAY_HELP = "0 = Monday ... 6 = Sunday"

# --- Serializers -----------------------------------------------------------------------------


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


class ResultSerializer(serializers.ModelSerializer):
    analyte = serializers.ChoiceField(choices=ANALYTE_CHOICES, read_only=True)
    stage = serializers.ChoiceField(choices=AnalyteResult.Stage.choices, read_only=True)
    outcome = serializers.ChoiceField(choices=AnalyteResult.Outcome.choices, read_only=True)
    replaced_by = serializers.IntegerField(source="replaced_by_id", read_only=True, allow_null=True)

    class Meta:
        model = AnalyteResult
        fields = [
            "id",
            "analyte",
            "stage",
            "outcome",
            "value",
            "cutoff",
            "expected",
            "current",
            "sent_for_confirmation_at",
            "replaced_by",
            "resulted_at",
        ]
        read_only_fields = fields


class ResultInputSerializer(serializers.Serializer):
    analyte = serializers.ChoiceField(
        choices=ANALYTE_CHOICES, error_messages={"invalid_choice": "Unknown analyte: {input}."}
    )
    stage = serializers.ChoiceField(choices=AnalyteResult.Stage.choices, default="presumptive")
    outcome = serializers.ChoiceField(
        choices=AnalyteResult.Outcome.choices,
        required=False,
        help_text="Judged from the value and the cut-off when a value is given.",
    )
    value = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, help_text="ng/mL"
    )
    resulted_at = serializers.DateTimeField(required=False)


class CollectionSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    selection = serializers.IntegerField(source="selection_id", read_only=True, allow_null=True)
    policy = serializers.IntegerField(source="policy_id", read_only=True, allow_null=True)
    panel = serializers.IntegerField(source="panel_id", read_only=True, allow_null=True)
    specimen_type = serializers.ChoiceField(choices=SPECIMEN_TYPES, read_only=True)
    validity = serializers.ChoiceField(choices=Validity.choices, read_only=True)
    results = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = Collection
        fields = [
            "id",
            "client",
            "selection",
            "policy",
            "collected_at",
            "specimen_type",
            "panel",
            "observed",
            "collector",
            "custody_form_number",
            "validity",
            "brac",
            "note",
            "results",
            "history",
            "created_at",
        ]
        read_only_fields = fields

    def _all(self, collection: Collection) -> list[AnalyteResult]:
        found = getattr(collection, "all_results", None)
        return found if found is not None else list(collection.results.all())

    @extend_schema_field(ResultSerializer(many=True))
    def get_results(self, collection: Collection) -> list[dict]:
        return ResultSerializer([r for r in self._all(collection) if r.current], many=True).data

    @extend_schema_field(ResultSerializer(many=True))
    def get_history(self, collection: Collection) -> list[dict]:
        """Results replaced by a later one (a presumptive replaced by the lab's)."""
        return ResultSerializer([r for r in self._all(collection) if not r.current], many=True).data


class CollectionInputSerializer(serializers.Serializer):
    client = ScopedIdField(CLIENTS)
    selection = ScopedIdField(
        selectors.SELECTIONS,
        required=False,
        allow_null=True,
        help_text="Default: the day's open test.",
    )
    collected_at = serializers.DateTimeField()
    specimen_type = serializers.ChoiceField(choices=SPECIMEN_TYPES, help_text=SPECIMEN_HELP)
    panel = ScopedIdField(
        selectors.PANELS,
        required=False,
        allow_null=True,
        help_text="Default: the policy's panel.",
    )
    observed = serializers.BooleanField(default=False)
    collector = serializers.CharField(max_length=200)
    custody_form_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    validity = serializers.ChoiceField(choices=Validity.choices, default=Validity.VALID)
    brac = serializers.DecimalField(
        max_digits=5, decimal_places=3, required=False, allow_null=True, help_text="g/210 L"
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    results = ResultInputSerializer(many=True, required=False)


# --- Helpers ---------------------------------------------------------------------------------


def _panel(client, panel):
    """The panel named (already within the caller's reach), if it is one for the client's
    program."""
    if panel is None:
        return None
    if not selectors.panels_for(program_id=client.program_id).filter(pk=panel.pk).exists():
        raise serializers.ValidationError({"panel": ["No such panel for this client's program."]})
    return panel


def _indexed(errors: dict) -> dict:
    """Nested list errors keyed `results[0].analyte`, as the services key them (DRF gives
    `{index: errors}` for a list of objects)."""
    out = {}
    for name, value in errors.items():
        if isinstance(value, dict) and all(str(k).isdigit() for k in value):
            for index, inner in value.items():
                for field, messages in inner.items() if isinstance(inner, dict) else []:
                    out[f"{name}[{index}].{field}"] = messages
        else:
            out[name] = value
    return out


def _filtered(qs, params):
    client_id = id_param(params, "client")
    if client_id:
        qs = qs.filter(client_id=client_id)
    return qs


CLIENT_PARAM = OpenApiParameter("client", int, description="Only this client's rows.")

# --- Views -----------------------------------------------------------------------------------


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
        return _filtered(
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
        values["panel"] = _panel(client, values.get("panel"))
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
            values["panel"] = _panel(policy.client, values["panel"])
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
        qs = _filtered(
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
        from recoverypath.clients.selectors import client_for_user_account

        own = client_for_user_account(user=request.user)
        if own is not None:
            services.selections_mark_seen(client=own)
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


class CollectionViewSet(
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Collections (specimens and breath tests) with their results: `results` holds the current
    result of each analyte, `history` the ones a lab confirmation replaced."""

    serializer_class = CollectionSerializer
    queryset = Collection.objects.none()

    def get_queryset(self):
        return _filtered(
            selectors.collection_queryset_for_user(user=self.request.user),
            self.request.query_params,
        )

    def get_object(self):
        return selectors.collection_get(user=self.request.user, collection_id=self.kwargs["pk"])

    @extend_schema(parameters=[CLIENT_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=CollectionInputSerializer, responses={201: CollectionSerializer})
    def create(self, request):
        data = CollectionInputSerializer(data=request.data, context={"request": request})
        if not data.is_valid():
            raise serializers.ValidationError(_indexed(data.errors))
        values = dict(data.validated_data)
        client = values.pop("client")
        selection = values.pop("selection", None)
        if selection is not None and selection.client_id != client.id:
            raise serializers.ValidationError({"selection": ["No such test for this client."]})
        values["panel"] = _panel(client, values.get("panel"))
        values["results"] = [dict(r) for r in values.get("results", [])]
        collection = services.collection_record(
            actor=request.user, client=client, selection=selection, **values
        )
        fresh = selectors.collection_list(client=client).get(pk=collection.pk)
        return Response(CollectionSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ResultInputSerializer,
        responses={201: ResultSerializer},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        """Add an analyte's result; a confirmed one replaces the presumptive in the record."""
        collection = self.get_object()
        data = ResultInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.result_record(
            actor=request.user, collection=collection, **dict(data.validated_data)
        )
        return Response(ResultSerializer(result).data, status=status.HTTP_201_CREATED)


class ResultViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One analyte result, and sending a presumptive positive for lab confirmation."""

    serializer_class = ResultSerializer
    queryset = AnalyteResult.objects.none()

    def get_object(self):
        return selectors.result_get(user=self.request.user, result_id=self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses=ResultSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path="send-for-confirmation")
    def send_for_confirmation(self, request, pk=None):
        result = self.get_object()
        result = services.result_send_for_confirmation(actor=request.user, result=result)
        return Response(ResultSerializer(result).data)


router = Router()
router.register("testing-policies", PolicyViewSet, basename="testing-policy")
router.register("test-selections", SelectionViewSet, basename="test-selection")
router.register("test-collections", CollectionViewSet, basename="test-collection")
router.register("test-results", ResultViewSet, basename="test-result")

urlpatterns = [path("", include(router.urls))]
