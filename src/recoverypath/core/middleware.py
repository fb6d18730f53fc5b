from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone

from . import context
from .errors import error_body


def client_ip(request) -> str | None:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.SECURE_PROXY_SSL_HEADER:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class ApiInputGuardMiddleware:
    """Under /api/v1/, refuses before anything else runs what no endpoint can take, in the one
    JSON error shape: a declared body over DATA_UPLOAD_MAX_MEMORY_SIZE (413) and NUL characters
    in the query string (400: PostgreSQL refuses them in text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/v1/"):
            refusal = _api_refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)


def _api_refusal(request) -> JsonResponse | None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        return JsonResponse(
            error_body(413, "too_large", "The request body is too large."), status=413
        )
    bad = sorted(
        name
        for name, values in request.GET.lists()
        if "\x00" in name or any("\x00" in value for value in values)
    )
    if bad:
        message = ["May not contain NUL characters."]
        fields = {(name.replace("\x00", "") or "query"): message for name in bad}
        return JsonResponse(
            error_body(400, "invalid", "The query string may not contain NUL characters.", fields),
            status=400,
        )
    return None


class RequestContextMiddleware:
    """Binds the caller's address for the audit trail and activates the viewer's time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.bind(
            context.RequestContext(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                path=request.path,
            )
        )
        zone = _viewer_time_zone(request)
        if zone:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            context.unbind(token)


def _viewer_time_zone(request) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "display_time_zone", None)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and a few headers Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            # Swagger UI (served locally from the sidecar) needs its own inline styles.
            policy = settings.CONTENT_SECURITY_POLICY.replace(
                "style-src 'self'", "style-src 'self' 'unsafe-inline'"
            )
        else:
            policy = settings.CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if not request.path.startswith(settings.STATIC_URL):
            # Protected health information must not linger in shared or browser caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
