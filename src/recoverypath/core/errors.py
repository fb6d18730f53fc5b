"""One domain error type and one JSON error shape for every API error.

Every error body is:
    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"name": ["..."]}}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

# How long a client should wait before retrying while the database or the queue is unreachable.
RETRY_AFTER_SECONDS = 30

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    _UNAVAILABLE: tuple[type[BaseException], ...] = (
        OperationalError,
        InterfaceError,
        RedisConnectionError,
        RedisTimeoutError,
    )
except ImportError:  # pragma: no cover - redis is a dependency; kept optional for safety
    _UNAVAILABLE = (OperationalError, InterfaceError)


def is_service_unavailable(exc: BaseException | None) -> bool:
    """True for errors that mean "a dependency is down, try again soon" (a database that cannot
    be reached or dropped the connection, a queue that does not answer), not a bug."""
    return isinstance(exc, _UNAVAILABLE)


UNAVAILABLE_MESSAGE = (
    "RecoveryPath is briefly unavailable. Nothing you already saved was lost; "
    "please try again in a moment."
)


class DomainError(Exception):
    """A refused business operation, with a message a person can act on."""

    status_code = 400
    code = "invalid"

    def __init__(
        self, message: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class ConflictError(DomainError):
    status_code = 409
    code = "conflict"


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "non_field_errors" if key in ("__all__", "non_field_errors") else str(key)
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{name}.{sub}"] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub, messages in _flatten(item).items():
                        out[f"{name}[{index}].{sub}"] = messages
            else:
                out[name] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def validation_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return _flatten(error.message_dict)
    return {"non_field_errors": list(error.messages)}


def error_body(
    status_code: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {
        "error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}
    }


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if is_service_unavailable(exc):
        return Response(
            error_body(503, "unavailable", UNAVAILABLE_MESSAGE),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, DomainError):
        return Response(
            error_body(exc.status_code, exc.code, exc.message, exc.fields), status=exc.status_code
        )
    if isinstance(exc, DjangoValidationError):
        fields = validation_fields(exc)
        return Response(error_body(400, "invalid", _summary(fields), fields), status=400)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body(413, "too_large", "The request body is too large."), status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = _summary(fields)
        code = "invalid"
    else:
        fields = {}
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
    response.data = error_body(response.status_code, code, message, fields)
    return response


def _summary(fields: dict[str, list[str]]) -> str:
    if not fields:
        return "The request was not valid."
    name, messages = next(iter(fields.items()))
    prefix = "" if name == "non_field_errors" else f"{name}: "
    more = f" (and {len(fields) - 1} more)" if len(fields) > 1 else ""
    return f"{prefix}{messages[0]}{more}"


def json_503(request) -> JsonResponse:
    response = JsonResponse(error_body(503, "unavailable", UNAVAILABLE_MESSAGE), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@csrf_exempt  # answers 404 whatever the method; a POST must not get the HTML CSRF page instead
def json_404(request, unknown: str = "", exception=None):
    return JsonResponse(
        error_body(404, "not_found", "Not found."), status=status.HTTP_404_NOT_FOUND
    )
