"""API for DAP clinical notes and their addenda."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from recoverypath.clients.selectors import CLIENTS
from recoverypath.core.audit import audit_record_list
from recoverypath.core.params import ScopedIdField, id_param

from .. import selectors, services
from ..models import (
    ClinicalNote,
    NoteAddendum,
)


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
