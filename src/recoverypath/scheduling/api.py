"""API for groups, sessions, bookings, attendance and clinical notes (same rules as the pages)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.accounts.selectors import PROGRAMS, STAFF
from recoverypath.clients.selectors import CLIENTS, client_get
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record, audit_record_list
from recoverypath.core.params import ScopedIdField, id_param
from recoverypath.core.routers import Router

from . import access, selectors, services
from .models import (
    INDIVIDUAL_TYPES,
    Attendance,
    ClinicalNote,
    Group,
    GroupEnrollment,
    Holiday,
    NoteAddendum,
    Room,
    Session,
)


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


# --- Groups -------------------------------------------------------------------------------------


class GroupSerializer(serializers.ModelSerializer):
    program = ScopedIdField(PROGRAMS)
    facilitator = ScopedIdField(STAFF)
    room = ScopedIdField(selectors.ROOMS, required=False, allow_null=True)
    enrolled_count = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = [
            "id",
            "program",
            "name",
            "session_type",
            "track",
            "facilitator",
            "room",
            "telehealth_url",
            "capacity",
            "rrule",
            "start_date",
            "start_time",
            "duration_minutes",
            "end_date",
            "is_active",
            "generated_until",
            "enrolled_count",
        ]
        read_only_fields = ["id", "generated_until", "enrolled_count"]

    def get_enrolled_count(self, group: Group) -> int | None:
        return getattr(group, "enrolled_count", None)


class EnrollmentSerializer(serializers.ModelSerializer):
    client = ScopedIdField(CLIENTS)
    waitlist = serializers.BooleanField(write_only=True, default=True)

    class Meta:
        model = GroupEnrollment
        fields = [
            "id",
            "group",
            "client",
            "status",
            "joined_on",
            "ended_on",
            "waitlisted_at",
            "waitlist",
        ]
        read_only_fields = ["id", "group", "status", "joined_on", "ended_on", "waitlisted_at"]


class GroupViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Groups of the caller's programs. POST enrollments/ to enroll (or waitlist) a client."""

    serializer_class = GroupSerializer

    def get_queryset(self):
        return selectors.group_list(
            user=self.request.user,
            program_id=id_param(self.request.query_params, "program"),
            with_enrolled_count=True,
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        program = data.pop("program")
        data.pop("is_active", None)
        if not access.can_manage_groups(self.request.user, program.id):
            raise PermissionDenied
        serializer.instance = services.group_create(
            actor=self.request.user, program=program, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("program", None)
        serializer.instance = services.group_update(
            actor=self.request.user, group=serializer.instance, **data
        )

    @extend_schema(methods=["GET"], responses=EnrollmentSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=EnrollmentSerializer, responses={201: EnrollmentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def enrollments(self, request, pk=None):
        group = self.get_object()
        if request.method == "GET":
            enrolled, waitlist = selectors.group_roster(group=group)
            page = self.paginate_queryset([*enrolled, *waitlist])
            audit_record_list(actor=request.user, objects=page)
            return self.get_paginated_response(
                EnrollmentSerializer(page, many=True, context={"request": request}).data
            )
        serializer = EnrollmentSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        enrollment = services.group_enroll(
            actor=request.user,
            group=group,
            client=serializer.validated_data["client"],
            waitlist=serializer.validated_data["waitlist"],
        )
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class EnrollmentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A place in a group; POST end/ frees it (the waitlist fills it)."""

    serializer_class = EnrollmentSerializer

    def get_queryset(self):
        return selectors.enrollment_queryset_for_user(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        enrollment = self.get_object()
        audit_record(
            actor=request.user,
            action=Action.READ,
            obj=enrollment,
            client_id=enrollment.client_id,
            organization_id=enrollment.group.program.organization_id,
        )
        return Response(self.get_serializer(enrollment).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        enrollment = services.group_leave(actor=request.user, enrollment=self.get_object())
        return Response(EnrollmentSerializer(enrollment).data)


# --- Sessions -----------------------------------------------------------------------------------


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
            "telehealth_url",
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
    telehealth_url = serializers.URLField(required=False, allow_blank=True, default="")


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
        return selectors.session_get(user=self.request.user, session_id=self.kwargs["pk"])

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


# --- Notes --------------------------------------------------------------------------------------


class AddendumSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoteAddendum
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class NoteSerializer(serializers.ModelSerializer):
    session = ScopedIdField(selectors.STAFF_SESSIONS)
    client = ScopedIdField(CLIENTS)
    addenda = AddendumSerializer(many=True, read_only=True)

    class Meta:
        model = ClinicalNote
        fields = [
            "id",
            "session",
            "client",
            "author",
            "data",
            "assessment",
            "plan",
            "status",
            "signed_at",
            "created_at",
            "updated_at",
            "addenda",
        ]
        read_only_fields = [
            "id",
            "author",
            "status",
            "signed_at",
            "created_at",
            "updated_at",
            "addenda",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["client"].read_only = True
            self.fields["session"].read_only = True


class NoteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """DAP notes (clinicians and admins). A signed note refuses edits with 409; POST addenda/."""

    serializer_class = NoteSerializer

    @extend_schema(parameters=[OpenApiParameter("client", int), OpenApiParameter("session", int)])
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        audit_record_list(actor=request.user, objects=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_queryset(self):
        qs = selectors.note_queryset_for_user(user=self.request.user).prefetch_related("addenda")
        params = self.request.query_params
        if client_id := id_param(params, "client"):
            qs = qs.filter(client_id=client_id)
        if session_id := id_param(params, "session"):
            qs = qs.filter(session_id=session_id)
        return qs.order_by("-created_at", "-id")

    def get_object(self):
        return selectors.note_get(user=self.request.user, note_id=self.kwargs["pk"])

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.note_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = {
            k: v
            for k, v in serializer.validated_data.items()
            if k in ("data", "assessment", "plan")
        }
        serializer.instance = services.note_update(
            actor=self.request.user, note=serializer.instance, **data
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        note = services.note_sign(actor=request.user, note=self.get_object())
        return Response(NoteSerializer(note, context={"request": request}).data)

    @extend_schema(request=AddendumSerializer, responses={201: AddendumSerializer})
    @action(detail=True, methods=["post"])
    def addenda(self, request, pk=None):
        serializer = AddendumSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        addendum = services.note_addendum_add(
            actor=request.user, note=self.get_object(), text=serializer.validated_data["text"]
        )
        return Response(AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)


# --- Attendance summary -------------------------------------------------------------------------


class WeekHoursSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    hours = serializers.CharField()
    meets_requirement = serializers.BooleanField()


class AttendanceSummarySerializer(serializers.Serializer):
    client = serializers.IntegerField()
    recorded = serializers.IntegerField()
    attended = serializers.IntegerField()
    excused = serializers.IntegerField()
    unexcused = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True, help_text="Percent of recorded sessions.")
    hours_this_week = serializers.CharField()
    weekly_hours_required = serializers.CharField()
    average_weekly_hours = serializers.CharField(allow_null=True)
    weeks = WeekHoursSerializer(many=True)


class AttendanceSummaryViewSet(viewsets.ViewSet):
    """GET attendance-summary/<client id>/: rate and hours per week vs the program."""

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses=AttendanceSummarySerializer,
    )
    def retrieve(self, request, pk=None):
        try:
            client_id = int(pk)
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        client = client_get(user=request.user, client_id=client_id)
        summary = selectors.attendance_summary(client=client)
        return Response(
            {
                "client": client.id,
                "recorded": summary.recorded,
                "attended": summary.attended,
                "excused": summary.excused,
                "unexcused": summary.unexcused,
                "rate": summary.rate,
                "hours_this_week": str(summary.hours_this_week),
                "weekly_hours_required": str(summary.weekly_hours_required),
                "average_weekly_hours": (
                    str(summary.average_weekly_hours)
                    if summary.average_weekly_hours is not None
                    else None
                ),
                "weeks": [
                    {
                        "week_start": w.week_start,
                        "hours": str(w.hours),
                        "meets_requirement": w.meets_requirement,
                    }
                    for w in summary.weeks
                ],
            }
        )


# --- Rooms and holidays -------------------------------------------------------------------------


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "program", "name", "is_active"]
        read_only_fields = fields


class HolidaySerializer(serializers.ModelSerializer):
    program = ScopedIdField(PROGRAMS)

    class Meta:
        model = Holiday
        fields = ["id", "program", "date", "name"]
        validators: list = []  # the service names the duplicate day


class RoomViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Rooms of the caller's programs (for booking and conflict checks)."""

    serializer_class = RoomSerializer

    def get_queryset(self):
        return selectors.room_list(user=self.request.user)


class HolidayViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Program holidays: generated group sessions skip them. Admins add them."""

    serializer_class = HolidaySerializer

    def get_queryset(self):
        return selectors.holiday_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.holiday_add(
            actor=self.request.user, program=data["program"], day=data["date"], name=data["name"]
        )


router = Router()
router.register("rooms", RoomViewSet, basename="room")
router.register("holidays", HolidayViewSet, basename="holiday")
router.register("groups", GroupViewSet, basename="group")
router.register("group-enrollments", EnrollmentViewSet, basename="group-enrollment")
router.register("sessions", SessionViewSet, basename="session")
router.register("clinical-notes", NoteViewSet, basename="clinical-note")
router.register("attendance-summary", AttendanceSummaryViewSet, basename="attendance-summary")

urlpatterns = [path("", include(router.urls))]
