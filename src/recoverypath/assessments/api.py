"""Assessments API: submit (scored at once), list results, read instrument definitions."""

from __future__ import annotations

from django.http import Http404
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from recoverypath.clients import selectors as client_selectors
from recoverypath.core.audit import audit_record_list
from recoverypath.core.params import ScopedIdField, id_param
from recoverypath.core.routers import Router

from . import selectors, services
from .instruments import REGISTRY, instrument_get
from .models import Assessment


class AssessmentSerializer(serializers.ModelSerializer):
    administered_by = serializers.SerializerMethodField()
    band = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "client",
            "instrument",
            "answers",
            "total",
            "band",
            "subscales",
            "flags",
            "scoring_version",
            "mode",
            "administered_by",
            "administered_at",
            "episode",
            "created_at",
        ]
        read_only_fields = fields

    def get_band(self, assessment: Assessment) -> str | None:
        return assessment.band or None  # BAM has no band: null, as CLINICAL.md's table says

    def get_administered_by(self, assessment: Assessment) -> int | None:
        return assessment.administered_by_id


class AssessmentSubmitSerializer(serializers.Serializer):
    """Shape only: the instrument's own validation judges the answers (and names the item)."""

    client = ScopedIdField(client_selectors.CLIENTS)
    instrument = serializers.CharField(max_length=40)
    answers = serializers.JSONField()
    administered_at = serializers.DateTimeField(required=False)


class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessments of the clients the caller may see (`?client=<id>`, `?instrument=<code>`).

    POST {"client", "instrument", "answers"}: staff with clinical access submit for a client, a
    client only for themself. Bad answers are refused with 400 naming the item."""

    serializer_class = AssessmentSerializer

    def get_serializer_class(self):
        return AssessmentSubmitSerializer if self.action == "create" else AssessmentSerializer

    def get_queryset(self):
        qs = selectors.assessment_queryset_for_user(user=self.request.user)
        client_id = id_param(self.request.query_params, "client")
        if client_id:
            qs = qs.filter(client_id=client_id)
        code = self.request.query_params.get("instrument")
        if code:
            qs = qs.filter(instrument=code)
        return qs.order_by("-administered_at", "-id")

    @extend_schema(
        parameters=[OpenApiParameter("client", int), OpenApiParameter("instrument", str)]
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        audit_record_list(actor=request.user, objects=page)
        return self.get_paginated_response(AssessmentSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        assessment = selectors.assessment_get(user=request.user, assessment_id=kwargs["pk"])
        return Response(AssessmentSerializer(assessment).data)

    @extend_schema(request=AssessmentSubmitSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        incoming = AssessmentSubmitSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        client = client_selectors.client_get(user=request.user, client_id=data["client"].id)
        instrument_get(data["instrument"])  # an unknown instrument is a 400 before anything else
        assessment = services.assessment_submit(
            actor=request.user,
            client=client,
            instrument=data["instrument"],
            answers=data["answers"],
            administered_at=data.get("administered_at"),
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class InstrumentSerializer(serializers.Serializer):
    """The shape of one instrument definition (documentation; data comes from to_dict())."""

    code = serializers.CharField()
    name = serializers.CharField()
    instructions = serializers.CharField()
    scoring_version = serializers.CharField()
    items = serializers.ListField(child=serializers.DictField())
    bands = serializers.ListField(child=serializers.DictField())
    total_range = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    # A field named "source" (the instrument's citation) shadows Field.source in the stubs; DRF
    # collects declared fields before binding, so it serializes as any other field.
    source = serializers.CharField()  # type: ignore[assignment]
    loinc_panel = serializers.CharField(required=False)
    loinc_total = serializers.CharField(required=False)
    band_note = serializers.CharField(required=False)


class InstrumentViewSet(viewsets.GenericViewSet):
    """Instrument definitions: items, answer options, bands, LOINC codes, scoring version."""

    serializer_class = InstrumentSerializer
    lookup_value_regex = "[A-Za-z0-9-]+"
    pagination_class = None

    @extend_schema(operation_id="instruments_list", responses=InstrumentSerializer(many=True))
    def list(self, request):
        return Response([i.to_dict() for i in REGISTRY.values()])

    @extend_schema(operation_id="instruments_retrieve", responses=InstrumentSerializer)
    def retrieve(self, request, pk=None):
        instrument = REGISTRY.get(pk)
        if instrument is None:
            raise Http404
        return Response(instrument.to_dict())


router = Router()
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("instruments", InstrumentViewSet, basename="instrument")

urlpatterns = [path("", include(router.urls))]
