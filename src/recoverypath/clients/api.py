from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from recoverypath.accounts.selectors import PROGRAMS, STAFF
from recoverypath.core import permissions
from recoverypath.core.params import AuditedListMixin, ScopedIdField, id_param
from recoverypath.core.phones import normalize_phone
from recoverypath.core.routers import Router
from recoverypath.core.timezones import validate_time_zone

from . import invitations, selectors, services
from .models import Client, Race, SupportContact
from .sobriety import SobrietySummary, sobriety_summary_for

# Where a client row keeps its sobriety summary while one response is serialized.
_SOBRIETY_CACHE = "_rp_sobriety"


def _phone_field(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField()
    address = serializers.CharField()
    status = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)

    def get_status(self, invitation) -> str:
        return "expired" if invitation.is_expired else invitation.status


class ClientInvitationMixin:
    @extend_schema(request=InviteSerializer, responses={201: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """Invite the client to their own login (e-mail, else text message to `phone`)."""
        client = self.get_object()
        body = InviteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = invitations.client_invite(
            actor=request.user,
            client=client,
            email=body.validated_data.get("email") or "",
            phone=body.validated_data.get("phone") or "",
        )
        return Response(InvitationSerializer(invitation).data, status=201)

    @extend_schema(responses=InvitationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def invitations(self, request, pk=None):
        """The client's invitations, newest first, with their status."""
        client = self.get_object()
        if not permissions.can_edit_client(request.user, client):
            raise PermissionDenied("Only the client's program staff see invitations.")
        page = self.paginate_queryset(
            invitations.client_invitations(user=request.user, client=client)
        )
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)


class ClientSerializer(serializers.ModelSerializer):
    program = ScopedIdField(PROGRAMS)
    primary_clinician = ScopedIdField(STAFF, required=False, allow_null=True)
    coordinator = ScopedIdField(STAFF, required=False, allow_null=True)
    time_zone = serializers.CharField(
        max_length=64, required=False, validators=[validate_time_zone]
    )
    race = serializers.ListField(
        child=serializers.ChoiceField(choices=Race.choices),
        required=False,
        max_length=len(Race.choices),
        help_text="Self-reported, one or more (OMB 1997); empty when not recorded. "
        "`declined` and `unknown` stand alone.",
    )
    days_sober = serializers.SerializerMethodField()
    longest_streak_days = serializers.SerializerMethodField()
    next_milestone = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "mrn",
            "first_name",
            "last_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "sex_assigned_at_birth",
            "ethnicity",
            "race",
            "phone",
            "email",
            "time_zone",
            "program",
            "sobriety_date",
            "primary_clinician",
            "coordinator",
            "days_sober",
            "longest_streak_days",
            "next_milestone",
        ]
        read_only_fields = ["id"]

    def validate_phone(self, value: str) -> str:
        return _phone_field(value)

    def _sobriety(self, client: Client):
        # Streaks come prefetched on lists (ClientViewSet.get_queryset): no query per row.
        cached: SobrietySummary | None = getattr(client, _SOBRIETY_CACHE, None)
        if cached is None:
            cached = sobriety_summary_for(client)
            setattr(client, _SOBRIETY_CACHE, cached)
        return cached

    def get_days_sober(self, client: Client) -> int | None:
        return self._sobriety(client).days_sober

    def get_longest_streak_days(self, client: Client) -> int | None:
        return self._sobriety(client).longest_streak_days

    def get_next_milestone(self, client: Client) -> dict | None:
        summary = self._sobriety(client)
        if summary.next_milestone is None:
            return None
        return summary.next_milestone.as_dict(today=summary.today)


class SupportContactSerializer(serializers.ModelSerializer):
    client = ScopedIdField(selectors.CLIENTS)

    class Meta:
        model = SupportContact
        fields = ["id", "client", "name", "relationship", "phone", "kind", "is_emergency_contact"]
        read_only_fields = ["id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["client"].read_only = True

    def validate_phone(self, value: str) -> str:
        return _phone_field(value)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Search by name or MRN"),
            OpenApiParameter("program", int),
            OpenApiParameter("clinician", int),
            OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
        ]
    )
)
class ClientViewSet(
    ClientInvitationMixin,
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Clients the caller may see: staff by program membership, a client only themself."""

    serializer_class = ClientSerializer
    audit_client_attr = "id"

    def get_queryset(self):
        params = self.request.query_params
        return selectors.client_list(
            user=self.request.user,
            search=params.get("q", "")[:100],
            program_id=id_param(params, "program"),
            clinician_id=id_param(params, "clinician"),
            sort=params.get("sort", "name"),
        ).prefetch_related("sobriety_streaks")

    def get_object(self):
        if self.request.method in SAFE_METHODS:
            return selectors.client_read(user=self.request.user, client_id=self.kwargs["pk"])
        client = selectors.client_get(user=self.request.user, client_id=self.kwargs["pk"])
        if self.request.method not in SAFE_METHODS and not permissions.can_edit_client(
            self.request.user, client
        ):
            # Checked before the body is validated, so a client gets 403 rather than field errors.
            raise PermissionDenied("You cannot change this client's record.")
        return client

    def create(self, request, *args, **kwargs):
        if not permissions.is_staff_member(request.user):
            raise PermissionDenied("Only program staff register clients.")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        program = data.pop("program")
        serializer.instance = services.client_create(
            actor=self.request.user, program=program, **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.client_update(
            actor=self.request.user, client=serializer.instance, **serializer.validated_data
        )


class SupportContactViewSet(
    AuditedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Support contacts of the clients the caller may see; filter with `?client=<id>`."""

    serializer_class = SupportContactSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = selectors.support_contact_queryset_for_user(user=self.request.user)
        client_id = id_param(self.request.query_params, "client")
        if client_id:
            qs = qs.filter(client_id=client_id)
        return qs.order_by("client_id", "-is_emergency_contact", "name", "id")

    def get_object(self):
        return selectors.support_contact_get(user=self.request.user, contact_id=self.kwargs["pk"])

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        client = data.pop("client")
        serializer.instance = services.support_contact_create(
            actor=self.request.user, client=client, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("client", None)
        serializer.instance = services.support_contact_update(
            actor=self.request.user, contact=serializer.instance, **data
        )


router = Router()
router.register("clients", ClientViewSet, basename="client")
router.register("support-contacts", SupportContactViewSet, basename="support-contact")

urlpatterns = [path("", include(router.urls))]
