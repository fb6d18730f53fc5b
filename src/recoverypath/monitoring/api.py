from __future__ import annotations

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from recoverypath.clients.selectors import client_for_user_account, client_get
from recoverypath.core.audit import audit_record_list
from recoverypath.core.routers import Router

from . import selectors, services
from .models import CHECK_IN_ANSWERS, CheckIn, Lapse, MeetingAttendance
from .permissions import can_read_monitoring


class CheckInSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "client",
            "date",
            *CHECK_IN_ANSWERS,
            "revision",
            "submitted_at",
            "updated_at",
        ]
        read_only_fields = fields


class CheckInInputSerializer(serializers.Serializer):
    """Shapes only; the service validates ranges and dates so web and API share one rule."""

    date = serializers.CharField(required=False, allow_blank=True)
    mood = serializers.JSONField(required=False)
    craving = serializers.JSONField(required=False)
    sleep_hours = serializers.JSONField(required=False)
    stress = serializers.JSONField(required=False)
    used = serializers.JSONField(
        required=False,
        help_text="Required, true or false: an unanswered question is refused, never taken as no.",
    )
    substances = serializers.JSONField(required=False)
    triggers = serializers.JSONField(required=False)
    trigger_other = serializers.CharField(required=False, allow_blank=True)
    coping = serializers.JSONField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class CheckInViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Daily check-ins. POST: the client themself, for their local today (or up to 3 days back);
    the same day again updates it (200) instead of creating (201). GET `?client=<id>`: staff with
    coordination rights, or the client (their own, without the parameter)."""

    serializer_class = CheckInSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        client = _monitored_client(request, what="check-ins")
        queryset = selectors.check_in_list(user=request.user, client=client)
        page = self.paginate_queryset(queryset)
        audit_record_list(actor=request.user, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=CheckInInputSerializer, responses={201: CheckInSerializer})
    def create(self, request, *args, **kwargs):
        own = client_for_user_account(user=request.user)
        if own is None:
            raise PermissionDenied("Only a client can submit a check-in, for themself.")
        data = CheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.check_in_submit(actor=request.user, client=own, **data.validated_data)
        return Response(
            CheckInSerializer(result.check_in).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


def _monitored_client(request, *, what: str):
    """The client a list is about: `?client=<id>` for staff with coordination rights (404 when
    not visible, 403 for front desk), or the calling client themself without the parameter."""
    raw = request.query_params.get("client")
    if raw in (None, ""):
        own = client_for_user_account(user=request.user)
        if own is None:
            raise serializers.ValidationError({"client": ["This parameter is required."]})
        return own
    try:
        client_id = int(raw)
    except ValueError as exc:
        raise serializers.ValidationError({"client": ["Must be a whole number."]}) from exc
    if not 0 < client_id < 2**63:
        raise serializers.ValidationError({"client": ["No such id."]})
    client = client_get(user=request.user, client_id=client_id, audit=False)
    if not can_read_monitoring(request.user, client):
        raise PermissionDenied(f"You cannot read this client's {what}.")
    return client


class LapseSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    check_in = serializers.IntegerField(source="check_in_id", read_only=True, allow_null=True)

    class Meta:
        model = Lapse
        fields = [
            "id",
            "client",
            "date",
            "substance",
            "context",
            "check_in",
            "counter_restarted",
            "created_at",
        ]
        read_only_fields = fields


class LapseRestartSerializer(serializers.Serializer):
    restart = serializers.BooleanField(
        help_text="true: the sobriety counter starts again; false: the count stays."
    )
    count_from = serializers.ChoiceField(
        choices=[("day_after_lapse", "the day after the lapse"), ("lapse_day", "the lapse day")],
        default="day_after_lapse",
        help_text="The new sobriety date when restarting: by default the day after the lapse "
        "(the first whole day without use); the client may choose the lapse day.",
    )


class LapseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reported lapses. GET `?client=<id>`: staff with coordination rights; a client reads their
    own without the parameter. The client answers "restart your counter?" once per lapse."""

    queryset = Lapse.objects.none()
    serializer_class = LapseSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        client = _monitored_client(request, what="lapses")
        page = self.paginate_queryset(selectors.lapse_list(client=client).order_by("-date", "-id"))
        audit_record_list(actor=request.user, objects=page, organization_id=client.organization_id)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def get_object(self):
        return selectors.lapse_get(user=self.request.user, lapse_id=self.kwargs["pk"])

    @extend_schema(
        request=LapseRestartSerializer,
        responses=LapseSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path="restart-counter")
    def restart_counter(self, request, pk=None):
        """The client's choice; answering again changes nothing (the first answer stands)."""
        lapse = self.get_object()
        data = LapseRestartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lapse = services.lapse_answer_restart(
            actor=request.user,
            lapse=lapse,
            restart=data.validated_data["restart"],
            from_lapse_day=data.validated_data["count_from"] == "lapse_day",
        )
        return Response(LapseSerializer(lapse).data)


class MeetingAttendanceSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    meeting_type = serializers.ChoiceField(
        choices=MeetingAttendance.MeetingType.choices, read_only=True
    )
    has_sheet = serializers.SerializerMethodField()

    class Meta:
        model = MeetingAttendance
        fields = [
            "id",
            "client",
            "date",
            "meeting_type",
            "meeting_name",
            "verification",
            "signature",
            "has_sheet",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_sheet(self, meeting: MeetingAttendance) -> bool:
        return bool(meeting.sheet)


class MeetingInputSerializer(serializers.Serializer):
    """A meeting the client went to; a photo of the meeting sheet is uploaded on the web page."""

    date = serializers.DateField()
    meeting_type = serializers.ChoiceField(choices=MeetingAttendance.MeetingType.choices)
    meeting_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    signature = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MeetingAttendanceViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Support-group meetings. POST: the client logs their own (signature verification; the
    sheet photo is web-only). GET `?client=<id>`: staff with coordination rights, or the client
    (their own, without the parameter)."""

    queryset = MeetingAttendance.objects.none()
    serializer_class = MeetingAttendanceSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int)])
    def list(self, request, *args, **kwargs):
        client = _monitored_client(request, what="meetings")
        page = self.paginate_queryset(selectors.meeting_list(client=client))
        audit_record_list(actor=request.user, objects=page, organization_id=client.organization_id)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=MeetingInputSerializer, responses={201: MeetingAttendanceSerializer})
    def create(self, request, *args, **kwargs):
        own = client_for_user_account(user=request.user)
        if own is None:
            raise PermissionDenied("Only a client logs a meeting, for themself.")
        data = MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting = services.meeting_record(
            actor=request.user, client=own, day=values.pop("date"), **values
        )
        return Response(MeetingAttendanceSerializer(meeting).data, status=status.HTTP_201_CREATED)


router = Router()
router.register("check-ins", CheckInViewSet, basename="check-in")
router.register("lapses", LapseViewSet, basename="lapse")
router.register("meeting-attendance", MeetingAttendanceViewSet, basename="meeting-attendance")

urlpatterns = [path("", include(router.urls))]
