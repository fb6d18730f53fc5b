"""A person's own in-app notifications and notification settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from recoverypath.accounts.selectors import programs_empty
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.hooks.channels import channel_transports
from recoverypath.core.params import ScopedIdListField
from recoverypath.core.routers import ID_PATTERN, Router

from . import selectors, services
from .forms import OTHER_FIELDS, preference_fields
from .models import Notification, NotificationPreference, ReminderKind
from .reminder_config import LEAD_LIMITS, ReminderConfig

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "template", "subject", "body", "link", "critical", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = ScopedIdListField(
        selectors.NOTIFICATIONS,
        required=False,
        max_length=500,
        help_text="Notifications to mark read; all of them when left out.",
    )


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's in-app notifications, newest first (they name no client: nothing to audit)."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        return selectors.notification_list_for_user(user=self.request.user)

    @extend_schema(
        request=MarkReadSerializer,
        responses=inline_serializer("MarkReadResult", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        data = MarkReadSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        chosen = data.validated_data.get("ids")
        marked = services.notification_mark_read(
            user=request.user,
            notification_ids=None if chosen is None else [n.id for n in chosen],
        )
        return Response({"marked": marked})


class PreferenceSerializer(serializers.ModelSerializer):
    """One required boolean per registered channel, then the phone and quiet hours."""

    class Meta:
        model = NotificationPreference
        fields = OTHER_FIELDS
        extra_kwargs = {
            "phone": {"required": False},
            "check_in_reminder_time": {"required": False},
        }

    def get_field_names(self, declared_fields, info):
        return preference_fields()

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        for transport in channel_transports():
            extra[transport.name] = {**extra.get(transport.name, {}), "required": True}
        return extra


class PreferenceView(APIView):
    """How the caller hears from RecoveryPath: channels and quiet hours (critical alerts ignore
    quiet hours)."""

    @extend_schema(responses=PreferenceSerializer)
    def get(self, request):
        preference = services.preference_for(request.user) or NotificationPreference(
            user=request.user
        )
        return Response(PreferenceSerializer(preference).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request):
        data = PreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preference = services.preference_update(actor=request.user, **data.validated_data)
        return Response(PreferenceSerializer(preference).data)


class ReminderSettingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReminderKind.choices)
    # An output field named "label" shadows Field.label in the DRF stubs.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    enabled = serializers.BooleanField(required=False)
    lead_minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Minutes before the event (kinds with a lead time; else null).",
    )
    send_time = serializers.TimeField(
        required=False,
        allow_null=True,
        help_text="Local time of day, HH:MM (kinds sent at a time of day; else null).",
    )
    lead_limits = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        allow_null=True,
        help_text="[lowest, highest] lead time in minutes, or null.",
    )


class ReminderSettingsSerializer(serializers.Serializer):
    program = serializers.IntegerField(read_only=True)
    reminders = ReminderSettingSerializer(many=True)

    def validate_reminders(self, value: list[dict]) -> list[dict]:
        seen = [item["kind"] for item in value]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError("Give each kind of reminder once.")
        return value


def _reminder_settings_body(program: Program, configs: dict[str, ReminderConfig]) -> dict:
    return {
        "program": program.id,
        "reminders": [
            {
                "kind": kind.value,
                "label": kind.label,
                "enabled": configs[kind.value].enabled,
                "lead_minutes": configs[kind.value].lead_minutes,
                "send_time": configs[kind.value].send_time,
                "lead_limits": list(LEAD_LIMITS[kind.value]) if kind.value in LEAD_LIMITS else None,
            }
            for kind in ReminderKind
        ],
    }


class ReminderSettingsViewSet(viewsets.GenericViewSet):
    """A program's reminders: each kind on or off, with its lead time or time of day. Program
    admins only; for everyone else the program does not exist (404), as on the web page."""

    serializer_class = ReminderSettingsSerializer
    queryset = programs_empty()
    lookup_value_regex = ID_PATTERN

    def get_object(self) -> Program:
        user = cast("User", self.request.user)
        return selectors.reminder_settings_program_get(user=user, program_id=self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        program = self.get_object()
        audit_record(
            actor=request.user,
            action=Action.READ,
            obj=program,
            organization_id=program.organization_id,
            object_type="notifications.reminder_settings",
        )
        configs = selectors.reminder_configs(program_id=program.id)
        return Response(ReminderSettingsSerializer(_reminder_settings_body(program, configs)).data)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def update(self, request, *args, **kwargs):
        """Kinds listed are changed (a setting left out keeps its value); others stay."""
        program = self.get_object()
        body = ReminderSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = {
            item["kind"]: {k: v for k, v in item.items() if k != "kind"}
            for item in body.validated_data["reminders"]
        }
        configs = services.reminder_settings_update(
            actor=request.user, program=program, changes=changes
        )
        return Response(ReminderSettingsSerializer(_reminder_settings_body(program, configs)).data)


router = Router()
router.register("notifications", NotificationViewSet, basename="notification")
router.register("reminder-settings", ReminderSettingsViewSet, basename="reminder-settings")

urlpatterns = [
    path("notification-preferences/", PreferenceView.as_view(), name="notification-preferences"),
    path("", include(router.urls)),
]
