from __future__ import annotations

from django.contrib.auth import authenticate
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from recoverypath.core.errors import DomainError


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


urlpatterns = [path("auth/token/", ObtainTokenView.as_view(), name="api-token")]
