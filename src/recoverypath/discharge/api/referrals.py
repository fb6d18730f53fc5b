"""Referrals (with their transitions) and the external provider directory over JSON."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.aftercare.api.serializers import ExternalProviderSerializer
from recoverypath.aftercare.permissions import can_view_providers
from recoverypath.aftercare.selectors import PROVIDER_KINDS, PROVIDERS, providers_empty
from recoverypath.clients.selectors import CLIENTS
from recoverypath.core import permissions
from recoverypath.core.modality import Modality
from recoverypath.core.params import AuditedListMixin, ScopedIdField, id_param
from recoverypath.core.permissions import Rank

from .. import selectors, services
from ..models import Referral


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
            "appointment_modality",
            "join_url",
            "call_details",
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
    appointment_modality = serializers.ChoiceField(
        choices=Modality.choices, required=False, help_text="Booking: how (default in_person)."
    )
    join_url = serializers.URLField(
        required=False, allow_blank=True, help_text="Booking by video: the https join link."
    )
    call_details = serializers.CharField(required=False, allow_blank=True, max_length=200)
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


class ExternalProviderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The provider directory of the caller's organization (no client data)."""

    serializer_class = ExternalProviderSerializer
    queryset = providers_empty()  # for the schema; get_queryset scopes by user

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=PROVIDER_KINDS),
            OpenApiParameter("q", str),
            OpenApiParameter("accepting", bool),
            OpenApiParameter("telehealth", bool),
            OpenApiParameter("modality", str, enum=Modality.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if not can_view_providers(self.request.user):
            raise PermissionDenied("Staff only.")
        params = self.request.query_params
        return selectors.provider_list(
            user=self.request.user,
            kind=params.get("kind", ""),
            search=params.get("q", "")[:100],
            telehealth=_bool_param(params, "telehealth"),
            modality=_modality_param(params),
            accepting=_bool_param(params, "accepting"),
        )

    def get_object(self):
        if not can_view_providers(self.request.user):
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


def _modality_param(params) -> str:
    value = params.get("modality", "")
    if value and value not in Modality.values:
        raise ValidationError({"modality": "Choose in_person, video or phone."})
    return value
