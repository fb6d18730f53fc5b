"""/api/v1/consents/: a client's Part 2 consents; record one, revoke one."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from recoverypath.clients.selectors import CLIENTS
from recoverypath.core import permissions
from recoverypath.core.params import AuditedListMixin, ScopedIdField, id_param
from recoverypath.core.routers import Router

from . import selectors, services
from .family_views import FamilyApiView
from .models import Consent, Disclosure, Purpose


class ConsentSerializer(serializers.ModelSerializer):
    client = ScopedIdField(CLIENTS)
    purposes = serializers.ListField(child=serializers.ChoiceField(choices=Purpose.choices))
    categories = serializers.ListField(child=serializers.CharField(max_length=40), required=False)

    class Meta:
        model = Consent
        fields = [
            "id",
            "client",
            "patient_name",
            "disclosing_party",
            "information_description",
            "categories",
            "scope",
            "recipient_kind",
            "recipient_name",
            "purposes",
            "revocation_right_explained",
            "how_to_revoke",
            "expires_on",
            "expiration_event",
            "signed_by_name",
            "signer_is_patient",
            "signer_authority",
            "signed_on",
            "signature_attested",
            "redisclosure_explained",
            "refusal_consequences_explained",
            "status",
            "revoked_at",
            "revocation_note",
        ]
        read_only_fields = ["id", "status", "revoked_at", "revocation_note"]
        extra_kwargs = {
            "patient_name": {"required": False},
            "disclosing_party": {"required": False},
        }


class RevokeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500)


class ConsentViewSet(
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Consents of the clients the caller coordinates (a client reads their own)."""

    serializer_class = ConsentSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = selectors.consent_queryset_for_user(user=self.request.user)
        client_id = id_param(self.request.query_params, "client")
        if client_id:
            qs = qs.filter(client_id=client_id)
        return qs.order_by("-signed_on", "-id")

    def get_object(self):
        return selectors.consent_get(user=self.request.user, consent_id=self.kwargs["pk"])

    def perform_create(self, serializer):
        if not permissions.is_staff_member(self.request.user):
            raise PermissionDenied("Clients sign their consents from their phone pages.")
        data = dict(serializer.validated_data)
        client = data.pop("client")
        serializer.instance = services.consent_create(
            actor=self.request.user, client=client, **data
        )

    @extend_schema(request=RevokeSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        consent = self.get_object()
        if not permissions.is_staff_member(request.user):
            raise PermissionDenied("Clients revoke their consents from their phone pages.")
        body = RevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        consent = services.consent_revoke(
            actor=request.user, consent=consent, note=body.validated_data["note"]
        )
        return Response(ConsentSerializer(consent, context={"request": request}).data)


class DisclosureSerializer(serializers.ModelSerializer):
    purpose = serializers.CharField(read_only=True)

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "client",
            "consent",
            "recipient_name",
            "purpose",
            "category",
            "description",
            "notice_version",
            "disclosed_at",
        ]
        read_only_fields = fields


class DisclosureViewSet(AuditedListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The accounting of disclosures: who was shown what of a client's record, when, under which
    consent. A client reads their own ("Who saw my record"); coordinators and above by program."""

    serializer_class = DisclosureSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = selectors.disclosure_queryset_for_user(user=self.request.user)
        client_id = id_param(self.request.query_params, "client")
        if client_id:
            qs = qs.filter(client_id=client_id)
        return qs.order_by("-disclosed_at", "-id")


router = Router()
router.register("consents", ConsentViewSet, basename="consent")
router.register("disclosures", DisclosureViewSet, basename="disclosure")

urlpatterns = [
    path("", include(router.urls)),
    path("family/", FamilyApiView.as_view(), name="family-api"),
    path("family/clients/<int:client_id>/", FamilyApiView.as_view(), name="family-api-client"),
]
