"""A person's own in-app notifications and notification settings."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from recoverypath.core.hooks.channels import channel_transports
from recoverypath.core.params import ScopedIdListField
from recoverypath.core.routers import Router

from . import selectors, services
from .forms import OTHER_FIELDS, preference_fields
from .models import Notification, NotificationPreference


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
        extra_kwargs = {"phone": {"required": False}}

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


router = Router()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("notification-preferences/", PreferenceView.as_view(), name="notification-preferences"),
    path("", include(router.urls)),
]
