from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from . import context
from .net import client_address


def client_ip(request) -> str | None:
    """The address the audit trail records: the first untrusted hop (core.net)."""
    return client_address(request)


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
