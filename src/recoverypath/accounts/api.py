from __future__ import annotations

from django.contrib.auth import authenticate
from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from recoverypath.core.errors import DomainError
from recoverypath.core.models import AuditEvent
from recoverypath.core.permissions import can_view_audit
from recoverypath.core.routers import Router

from .forms import AuditFilterForm
from .selectors import audit_events_for_admin


class LockedOut(DomainError):
    status_code = 429
    code = "locked_out"


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenThrottle(AnonRateThrottle):
    rate = "30/minute"


class ObtainTokenView(APIView):
    """Exchange e-mail and password for an API token (`Authorization: Token <token>`)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            # "email", lower case: django-axes counts failures per account under this name.
            email=data.validated_data["email"].lower(),
            password=data.validated_data["password"],
        )
        if user is None and getattr(request, "axes_locked_out", False):
            raise LockedOut(
                "Too many failed log-in attempts: this account is locked for a while.",
                fields={"non_field_errors": ["Too many failed log-in attempts."]},
            )
        if user is None or not user.is_active:
            raise DomainError(
                "Unable to log in with these credentials.",
                code="invalid_credentials",
                fields={"non_field_errors": ["Unable to log in with these credentials."]},
            )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_email",
            "action",
            "object_type",
            "object_id",
            "client_id",
            "changes",
            "ip_address",
            "path",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("action", str, enum=[value for value, _ in AuditEvent.Action.choices]),
            OpenApiParameter("actor", str, description="Part of the staff member's e-mail"),
            OpenApiParameter("client", int),
            OpenApiParameter("since", OpenApiTypes.DATE),
            OpenApiParameter("until", OpenApiTypes.DATE),
        ]
    )
)
class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit trail of the caller's organizations, for program admins. Read only: there is
    no way to change or delete an event."""

    serializer_class = AuditEventSerializer

    def get_queryset(self):
        if not can_view_audit(self.request.user):
            raise PermissionDenied("Only program admins browse the audit log.")
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        filters = form.cleaned_data
        return audit_events_for_admin(
            user=self.request.user,
            action=filters.get("action") or "",
            actor_email=filters.get("actor") or "",
            client_id=filters.get("client"),
            since=filters.get("since"),
            until=filters.get("until"),
        )


router = Router()
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
