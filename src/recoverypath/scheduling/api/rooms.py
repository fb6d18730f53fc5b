"""API for rooms and program holidays."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from recoverypath.accounts.selectors import PROGRAMS
from recoverypath.core.params import ScopedIdField

from .. import selectors, services
from ..models import (
    Holiday,
    Room,
)


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
