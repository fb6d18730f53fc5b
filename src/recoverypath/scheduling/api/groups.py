"""API for groups and their enrollments (waitlist included)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.accounts.selectors import PROGRAMS, STAFF
from recoverypath.clients.selectors import CLIENTS
from recoverypath.core.audit import Action, audit_record, audit_record_list
from recoverypath.core.modality import SupportGroupTag
from recoverypath.core.params import ScopedIdField, id_param

from .. import selectors, services
from ..models import (
    Group,
    GroupEnrollment,
)
from ..permissions import can_manage_groups


class GroupSerializer(serializers.ModelSerializer):
    program = ScopedIdField(PROGRAMS)
    facilitator = ScopedIdField(STAFF)
    room = ScopedIdField(selectors.ROOMS, required=False, allow_null=True)
    enrolled_count = serializers.SerializerMethodField()
    tags = serializers.ListField(
        child=serializers.ChoiceField(choices=SupportGroupTag.choices),
        required=False,
        help_text="Who the group is for and how it meets.",
    )

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
            "modality",
            "telehealth_url",
            "call_details",
            "tags",
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

    @extend_schema(
        parameters=[
            OpenApiParameter("program", int),
            OpenApiParameter("tag", str, enum=SupportGroupTag.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        tag = params.get("tag", "")
        if tag and tag not in SupportGroupTag.values:
            raise ValidationError({"tag": "Unknown tag."})
        return selectors.group_list(
            user=self.request.user,
            program_id=id_param(params, "program"),
            tag=tag,
            with_enrolled_count=True,
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        program = data.pop("program")
        data.pop("is_active", None)
        if not can_manage_groups(self.request.user, program.id):
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
