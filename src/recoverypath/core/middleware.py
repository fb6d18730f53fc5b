from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone

from . import context
from .errors import error_body
from .net import client_address


def client_ip(request) -> str | None:
    """The address the audit trail records: the first untrusted hop (core.net)."""
    return client_address(request)


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


REQUEST_ID_HEADER = "X-Request-ID"
ENVIRON_REQUEST_ID = "recoverypath.request_id"
ENVIRON_ROUTE = "recoverypath.route"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id, sent back as X-Request-ID and written in the access log, so one
    request can be followed from the proxy's log to ours. A well-formed id from the proxy (e.g.
    nginx's $request_id) is kept; anything else is replaced by a random one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response.headers.setdefault(REQUEST_ID_HEADER, request.request_id)
        # For the access log (recoverypath/gunicorn_conf.py), which sees only the WSGI environ:
        # the id, and the URL pattern that answered ("clients/<int:pk>/"), so the log shows
        # which page was asked for without the ids or tokens in its path.
        request.META[ENVIRON_REQUEST_ID] = request.request_id
        match = getattr(request, "resolver_match", None)
        if match is not None and match.route:
            request.META[ENVIRON_ROUTE] = route_pattern(match.route)
        return response


_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def route_pattern(route: str) -> str:
    """ "api/v1/clients/(?P<pk>[0-9]{1,18})/$" (a DRF router's regex) -> "/api/v1/clients/<pk>/"."""
    return "/" + _NAMED_GROUP.sub(r"<\1>", route).replace("^", "").replace("$", "")
