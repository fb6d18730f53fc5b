"""Collections (specimens and breath tests) with their analyte results, and sending a
presumptive positive for lab confirmation."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.clients.selectors import CLIENTS
from recoverypath.core.params import AuditedListMixin, ScopedIdField

from .. import selectors, services
from ..catalog import ANALYTE_CHOICES, SPECIMEN_TYPES
from ..models import AnalyteResult, Collection, Validity
from ._common import CLIENT_PARAM, SPECIMEN_HELP, client_filtered, indexed_errors, panel_for_client


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
        return _results_data([r for r in self._all(collection) if r.current])

    @extend_schema_field(ResultSerializer(many=True))
    def get_history(self, collection: Collection) -> list[dict]:
        """Results replaced by a later one (a presumptive replaced by the lab's)."""
        return _results_data([r for r in self._all(collection) if not r.current])


def _results_data(results: list[AnalyteResult]) -> list[dict]:
    """What `ResultSerializer(results, many=True).data` gives, built as the list it is."""
    return serializers.ListSerializer(results, child=ResultSerializer()).data


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
        return client_filtered(
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
            raise serializers.ValidationError(indexed_errors(data.errors))
        values = dict(data.validated_data)
        client = values.pop("client")
        selection = values.pop("selection", None)
        if selection is not None and selection.client_id != client.id:
            raise serializers.ValidationError({"selection": ["No such test for this client."]})
        values["panel"] = panel_for_client(client, values.get("panel"))
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
