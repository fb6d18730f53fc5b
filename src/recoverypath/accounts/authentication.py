"""`Authorization: Token <secret>` against ApiToken (named, expiring, revocable)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

# Where the answer is kept on the Django request: the Idempotency-Key middleware authenticates
# before the view does (core/idempotency.py), and the view must not look the token up again.
_DONE = "_rp_api_token_auth"


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        underlying = getattr(request, "_request", request)
        header = underlying.META.get("HTTP_AUTHORIZATION", "")
        done = getattr(underlying, _DONE, None)
        if done is not None and done[0] == header:
            return done[1]
        result = super().authenticate(request)
        if result is not None:
            setattr(underlying, _DONE, (header, result))
        return result

    def authenticate_credentials(self, key):
        # Imported here: DRF loads this class while rest_framework.views is still importing.
        from .services.tokens import api_token_authenticate

        token = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (token.user, token)
