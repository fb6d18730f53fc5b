"""/api/v1/ for discharge: plans (readiness, graduate), checklist items, referrals (transition),
external providers, discharge summaries (sign, share, PDF) and the gap-in-care report."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpResponse
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.aftercare.models import ExternalProvider
from recoverypath.aftercare.selectors import PROVIDERS
from recoverypath.clients.selectors import CLIENTS
from recoverypath.core import permissions
from recoverypath.core.audit import audit_record_list
from recoverypath.core.pagination import paginate
from recoverypath.core.params import AuditedListMixin, ScopedIdField, id_param
from recoverypath.core.permissions import Rank
from recoverypath.core.routers import Router

from . import rules, selectors, services
from .models import ChecklistItem, DischargePlan, DischargeSummary, Referral
from .services.summary import summary_pdf


class ChecklistItemSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display", read_only=True)

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
    data = serializers.JSONField(required=False)
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
        qs = selectors._with_items(selectors.plan_queryset_for_user(user=self.request.user))
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


class ReferralSerializer(serializers.ModelSerializer):
    client = ScopedIdField(CLIENTS)
    provider = ScopedIdField(PROVIDERS)
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "client",
            "provider",
            "plan",
            "reason",
            "status",
            "sent_at",
            "appointment_at",
            "attended_on",
            "allowed_transitions",
        ]
        read_only_fields = ["id", "plan", "status", "attended_on", "allowed_transitions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_at"].required = False

    def get_allowed_transitions(self, obj) -> list[str]:
        return sorted(Referral.ALLOWED_TRANSITIONS[obj.status])


class ReferralTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Referral.Status.choices)
    appointment_at = serializers.DateTimeField(required=False)
    attended_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReferralViewSet(
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals of the clients the caller coordinates; filter with `?client=<id>`."""

    serializer_class = ReferralSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = selectors.referral_queryset_for_user(user=self.request.user)
        client_id = id_param(self.request.query_params, "client")
        if client_id:
            qs = qs.filter(client_id=client_id)
        return qs.order_by("-sent_at", "-id")

    def get_object(self):
        return selectors.referral_get(user=self.request.user, referral_id=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        if not permissions.staff_program_ids(request.user, min_rank=Rank.COORDINATOR):
            raise PermissionDenied("Coordinators and above refer clients.")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.referral_create(actor=self.request.user, **data)

    @extend_schema(request=ReferralTransitionSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        referral = self.get_object()
        body = ReferralTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = services.referral_transition(
            actor=request.user, referral=referral, **body.validated_data
        )
        return Response(ReferralSerializer(referral, context={"request": request}).data)


class ExternalProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalProvider
        fields = [
            "id",
            "organization",
            "name",
            "kind",
            "services",
            "address",
            "phone",
            "telehealth",
            "accepted_insurance",
            "accepting_new_clients",
        ]
        read_only_fields = ["id", "organization"]


class ExternalProviderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The provider directory of the caller's organization (no client data)."""

    serializer_class = ExternalProviderSerializer
    queryset = ExternalProvider.objects.none()  # for the schema; get_queryset scopes by user

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=ExternalProvider.Kind.values),
            OpenApiParameter("q", str),
            OpenApiParameter("accepting", bool),
            OpenApiParameter("telehealth", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if not rules.can_view_providers(self.request.user):
            raise PermissionDenied("Staff only.")
        params = self.request.query_params
        return selectors.provider_list(
            user=self.request.user,
            kind=params.get("kind", ""),
            search=params.get("q", "")[:100],
            telehealth=_bool_param(params, "telehealth"),
            accepting=_bool_param(params, "accepting"),
        )

    def get_object(self):
        if not rules.can_view_providers(self.request.user):
            raise PermissionDenied("Staff only.")
        return selectors.provider_get(user=self.request.user, provider_id=self.kwargs["pk"])

    def perform_create(self, serializer):
        program = program_list_for_user(user=self.request.user, min_rank=Rank.COORDINATOR).first()
        if program is None:
            raise PermissionDenied("Coordinators and above manage the directory.")
        serializer.instance = services.external_provider_create(
            actor=self.request.user, organization=program.organization, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.external_provider_update(
            actor=self.request.user, provider=serializer.instance, **serializer.validated_data
        )


def _bool_param(params, name: str) -> bool | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    return value.lower() in ("1", "true", "yes")


class DischargeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = DischargeSummary
        fields = ["id", "plan", "content", "generated_at", "signed_at", "signature_name"]
        read_only_fields = fields


class ShareSerializer(serializers.Serializer):
    referral = ScopedIdField(selectors.REFERRALS)


class DischargeSummaryViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The discharge summary: read, sign (locks it), share under consent, download as PDF."""

    serializer_class = DischargeSummarySerializer
    queryset = DischargeSummary.objects.none()

    def get_object(self):
        return selectors.summary_get(user=self.request.user, summary_id=self.kwargs["pk"])

    @extend_schema(request=None, responses=DischargeSummarySerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        summary = services.summary_sign(actor=request.user, summary=self.get_object())
        return Response(DischargeSummarySerializer(summary).data)

    @extend_schema(request=ShareSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        summary = self.get_object()
        body = ShareSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        referral = selectors.referral_get(
            user=request.user, referral_id=body.validated_data["referral"].id
        )
        disclosure = services.summary_share(actor=request.user, summary=summary, referral=referral)
        return Response(
            {
                "disclosure": disclosure.id,
                "recipient": disclosure.recipient_name,
                "consent": disclosure.consent_id,
                "notice": disclosure.notice,
            }
        )

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        summary = self.get_object()
        response = HttpResponse(summary_pdf(summary=summary), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="discharge-summary-{summary.id}.pdf"'
        )
        return response


class GapReportView(APIView):
    """Graduates of a program with their gap in care (`?program=<id>`)."""

    @extend_schema(parameters=[OpenApiParameter("program", int, required=True)], responses=dict)
    def get(self, request):
        program_id = id_param(request.query_params, "program")
        if not program_id:
            raise serializers.ValidationError({"program": ["Give a program id."]})
        report = selectors.gap_report(user=request.user, program_id=program_id)
        page = paginate(request, report.rows, per_page=selectors.GAP_PAGE_SIZE)
        audit_record_list(actor=request.user, objects=[row.plan for row in page.object_list])
        return Response(
            {
                "page": page.number,
                "pages": page.paginator.num_pages,
                "program": program_id,
                "graduates": report.graduates,
                "within_target": report.within_target,
                "flagged": report.flagged,
                "no_contact": report.no_contact,
                "median_gap_days": report.median_gap,
                "results": [
                    {
                        "plan": row.plan.id,
                        "client": row.plan.client_id,
                        "graduated_on": row.plan.graduated_on,
                        "last_iop_session_on": row.last_iop_session_on,
                        "first_aftercare_contact_on": row.first_aftercare_contact_on,
                        "gap_days": row.gap_days,
                        "flagged": row.flagged,
                    }
                    for row in page.object_list
                ],
            }
        )


router = Router()
router.register("discharge-plans", DischargePlanViewSet, basename="discharge-plan")
router.register("discharge-items", ChecklistItemViewSet, basename="discharge-item")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("external-providers", ExternalProviderViewSet, basename="external-provider")
router.register("discharge-summaries", DischargeSummaryViewSet, basename="discharge-summary")

urlpatterns = [
    path("discharge-reports/gap/", GapReportView.as_view(), name="discharge-gap-report"),
    path("", include(router.urls)),
]
