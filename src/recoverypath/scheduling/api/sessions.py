"""API for sessions: listing, booking, moving, cancelling, attendance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.accounts.selectors import STAFF
from recoverypath.clients.selectors import CLIENTS
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record_list
from recoverypath.core.modality import Modality
from recoverypath.core.params import ScopedIdField, id_param

from .. import selectors, services
from ..models import (
    INDIVIDUAL_TYPES,
    Attendance,
    Session,
)

if TYPE_CHECKING:
    from recoverypath.accounts.models import User


def _datetime(params, name: str, default: datetime) -> datetime:
    value = params.get(name)
    if not value:
        return default
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise serializers.ValidationError({name: ["Use ISO 8601 with a time zone."]}) from exc
    if timezone.is_naive(parsed):
        raise serializers.ValidationError({name: ["Give the time zone (e.g. Z or -05:00)."]})
    return parsed


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["client", "status", "minutes_attended", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    roster = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "program",
            "group",
            "client",
            "session_type",
            "title",
            "facilitator",
            "room",
            "modality",
            "telehealth_url",
            "call_details",
            "starts_at",
            "ends_at",
            "status",
            "moved",
            "cancel_reason",
            "roster",
        ]
        read_only_fields = fields

    def get_roster(self, session: Session) -> list[int] | None:
        if not self.context.get("staff"):
            return None
        return [c.id for c in selectors.session_roster(session=session)]


class BookingSerializer(serializers.Serializer):
    client = ScopedIdField(CLIENTS)
    # A colleague of the caller; the service refuses one who is not staff of the client's program.
    facilitator = ScopedIdField(STAFF)
    session_type = serializers.ChoiceField(choices=[str(t) for t in INDIVIDUAL_TYPES])
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, default=50)
    room = ScopedIdField(selectors.ROOMS, required=False, allow_null=True)
    modality = serializers.ChoiceField(
        choices=Modality.choices,
        required=False,
        help_text="Default: video when there is a telehealth_url and no room, else in_person.",
    )
    telehealth_url = serializers.URLField(
        required=False, allow_blank=True, default="", help_text="The join link: https, for video."
    )
    call_details = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )


class MoveSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=5, max_value=720, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AttendanceRowSerializer(serializers.Serializer):
    client_id = ScopedIdField(CLIENTS)
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    minutes_attended = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AttendanceSheetSerializer(serializers.Serializer):
    rows = AttendanceRowSerializer(many=True)


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sessions the caller may see (a client: their own). Filter with from, to (ISO 8601),
    facilitator, client, program. POST / books an individual session (conflicts -> 400)."""

    serializer_class = SessionSerializer

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "staff": permissions.is_staff_member(self.request.user),
        }

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str),
            OpenApiParameter("to", str),
            OpenApiParameter("facilitator", int),
            OpenApiParameter("client", int),
            OpenApiParameter("program", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        selectors.sessions_audit(user=request.user, sessions=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        session = self.get_object()
        selectors.sessions_audit(user=request.user, sessions=[session], action=Action.READ)
        return Response(self.get_serializer(session).data)

    def get_queryset(self):
        params = self.request.query_params
        now = timezone.now()
        start = _datetime(params, "from", now - timedelta(days=1))
        end = _datetime(params, "to", start + timedelta(days=14))
        return selectors.session_list(
            user=self.request.user,
            start=start,
            end=end,
            facilitator_id=id_param(params, "facilitator"),
            client_id=id_param(params, "client"),
            program_id=id_param(params, "program"),
        )

    def get_object(self):
        return selectors.session_visible_get(user=self.request.user, session_id=self.kwargs["pk"])

    def _staff_session(self) -> Session:
        # The API answers only signed-in callers (DEFAULT_PERMISSION_CLASSES): a User.
        user = cast("User", self.request.user)
        return selectors.session_get(user=user, session_id=self.kwargs["pk"])

    @extend_schema(request=BookingSerializer, responses=SessionSerializer)
    def create(self, request):
        if not permissions.is_staff_member(request.user):
            # A client may not book: they hear so (403), not that the facilitator is unknown.
            raise PermissionDenied("Only program staff book sessions.")
        serializer = BookingSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        session = services.session_book(actor=request.user, **serializer.validated_data)
        return Response(
            SessionSerializer(session, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=MoveSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_move(
            actor=request.user, session=self._staff_session(), **serializer.validated_data
        )
        return Response(SessionSerializer(session, context=self.get_serializer_context()).data)

    @extend_schema(request=CancelSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_cancel(
            actor=request.user, session=self._staff_session(), **serializer.validated_data
        )
        return Response(SessionSerializer(session, context=self.get_serializer_context()).data)

    @extend_schema(methods=["GET"], responses=AttendanceSerializer(many=True))
    @extend_schema(
        methods=["PUT"],
        request=AttendanceSheetSerializer,
        # The rows just saved, as a plain array: a write answers what it wrote, not a page.
        responses={200: {"type": "array", "items": {"$ref": "#/components/schemas/Attendance"}}},
    )
    @action(detail=True, methods=["get", "put"])
    def attendance(self, request, pk=None):
        session = self._staff_session()
        if request.method == "GET":
            page = self.paginate_queryset(session.attendance.order_by("client_id", "id"))
            audit_record_list(actor=request.user, objects=page)
            return self.get_paginated_response(AttendanceSerializer(page, many=True).data)
        serializer = AttendanceSheetSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        rows = [
            {**row, "client_id": row["client_id"].id} for row in serializer.validated_data["rows"]
        ]
        saved = services.attendance_record(actor=request.user, session=session, rows=rows)
        return Response(AttendanceSerializer(saved, many=True).data)
