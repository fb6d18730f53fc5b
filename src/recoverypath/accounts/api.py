from __future__ import annotations

from django.contrib.auth import authenticate
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from recoverypath.core.api import AuditEventSerializer
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.errors import DomainError
from recoverypath.core.params import id_param
from recoverypath.core.permissions import can_view_audit
from recoverypath.core.ratelimit import RateLimited
from recoverypath.core.routers import Router
from recoverypath.core.throttling import AddressRateThrottle

from . import limits, services
from .forms import AuditFilterForm
from .languages import Language
from .models import ApiToken
from .selectors import api_tokens_for_user, audit_events_for_admin, sign_in_policy

# Error answers (400, 403 two-factor, 429 locked out...) are the one `Error` component, added to
# every operation by core.openapi.add_error_responses.


class LockedOut(DomainError):
    status_code = 429
    code = "locked_out"


class TwoFactorEnrolmentRequired(DomainError):
    status_code = 403
    code = "two_factor_enrolment_required"


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="The current code of the account's authenticator app (or a one-time recovery "
        "code). Required for accounts with two-factor sign-in.",
    )
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A name to tell this token apart in the token list.",
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
        read_only_fields = fields


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once.")
    id = serializers.IntegerField()
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(
        help_text="Slides on: each use moves it API_TOKEN_DAYS ahead."
    )


class TokenThrottle(AddressRateThrottle):
    rate = "30/minute"


def _throttled(exc: RateLimited) -> Throttled:
    return Throttled(wait=exc.retry_after, detail="Too many attempts: try again later.")


class ObtainTokenView(APIView):
    """Exchange e-mail and password (and, with two-factor sign-in, the current code in `otp`) for
    an API token (`Authorization: Token <token>`). Tokens expire after API_TOKEN_DAYS without use
    and are revoked by a password change."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: IssuedTokenSerializer},
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"].lower()
        try:
            limits.login_attempt(request, email=email)
        except RateLimited as exc:
            raise _throttled(exc) from exc
        user = authenticate(
            request,
            # "email", lower case: django-axes counts failures per account under this name.
            email=email,
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
        policy = sign_in_policy(user=user)
        if policy.has_device:
            self._verify_code(user, data.validated_data.get("otp") or "")
        elif policy.two_factor_overdue(timezone.now()):
            raise TwoFactorEnrolmentRequired(
                "Set up two-factor sign-in on the web before using the API."
            )
        issued = services.api_token_issue(user=user, name=data.validated_data.get("name") or "")
        return Response(
            {
                "token": issued.secret,
                "id": issued.token.id,
                "name": issued.token.name,
                "expires_at": serializers.DateTimeField().to_representation(
                    issued.token.expires_at
                ),
            }
        )

    def _verify_code(self, user, code: str) -> None:
        if not code:
            raise DomainError(
                "This account uses two-factor sign-in: send the current code in `otp`.",
                code="otp_required",
                fields={"otp": ["Send the current code of your authenticator app."]},
            )
        try:
            limits.two_factor_attempt(user_id=user.pk)
        except RateLimited as exc:
            raise _throttled(exc) from exc
        if services.two_factor_verify(user=user, code=code) is None:
            audit_record(
                actor=None,
                action=Action.LOGIN_FAILED,
                object_type="accounts.user",
                object_id=str(user.pk),
                changes={"attempted_email": user.email, "reason": "two-factor code"},
            )
            raise DomainError(
                "That two-factor code does not match.",
                code="invalid_otp",
                fields={"otp": ["That code does not match. Try the current one."]},
            )


@extend_schema_view(
    list=extend_schema(description="The caller's own API tokens, live ones first."),
    destroy=extend_schema(
        description="Revoke one of the caller's tokens; it stops working at once.",
        responses={204: None},
    ),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's API tokens: list and revoke. New tokens come from `auth/token/`."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        return api_tokens_for_user(user=self.request.user)

    def destroy(self, request, *args, **kwargs):
        token_id = id_param({"id": kwargs.get("pk")}, "id")
        services.api_token_revoke(actor=request.user, token_id=token_id or 0)
        return Response(status=204)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("action", str, enum=[value for value, _ in Action.choices]),
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


class AccountSerializer(serializers.Serializer):
    """The signed-in person's own account: what they may change of it here is their language."""

    email = serializers.EmailField(read_only=True)
    language = serializers.ChoiceField(
        choices=Language.choices,
        help_text="The language of the person's pages and of every message sent to them.",
    )


class AccountView(APIView):
    """The caller's own account. PATCH `language` to choose the language of pages and messages."""

    @extend_schema(responses=AccountSerializer)
    def get(self, request):
        return Response(AccountSerializer(request.user).data)

    @extend_schema(request=AccountSerializer, responses=AccountSerializer)
    def patch(self, request):
        serializer = AccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.language_choose(
            actor=request.user, language=serializer.validated_data["language"]
        )
        return Response(AccountSerializer(user).data)


router = Router()
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("auth/tokens", ApiTokenViewSet, basename="api-token-item")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("account/", AccountView.as_view(), name="api-account"),
    path("", include(router.urls)),
]
