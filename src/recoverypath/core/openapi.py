"""OpenAPI schema additions: the one error shape (core/errors.py), documented on every operation.

drf-spectacular describes only the success response of each operation. Every operation can also
answer with the error body of `error_body()`: this postprocessing hook adds that body once, as the
component `Error`, and references it from a 400/401/403/404/409/429 response of every operation
that does not describe that status itself.
"""

from __future__ import annotations

from typing import Any

ERROR_COMPONENT = "Error"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The one error shape of every API error.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated."},
                "code": {
                    "type": "string",
                    "description": "A stable machine-readable code, e.g. `invalid`, `not_found`.",
                },
                "message": {"type": "string", "description": "What went wrong, for a person."},
                "fields": {
                    "type": "object",
                    "description": "Messages per request field (`non_field_errors` for the rest).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["status", "code", "message", "fields"],
        }
    },
    "required": ["error"],
}

ERROR_RESPONSES: dict[str, str] = {
    "400": "The request was not valid (a field, a filter or a refused business rule).",
    "401": "Not signed in: send `Authorization: Token <token>`.",
    "403": "Signed in, but this role may not do this.",
    "404": "Not found, or not within the caller's reach.",
    "409": "Conflicts with the current state of the record.",
    "429": "Too many requests: wait for `Retry-After` seconds.",
}

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _error_response(status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": ERROR_RESPONSES[status],
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}
        },
    }
    if status == "429":
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        }
    return response


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the `Error` component and its responses."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in ERROR_RESPONSES:
                responses.setdefault(status, _error_response(status))
    return result
