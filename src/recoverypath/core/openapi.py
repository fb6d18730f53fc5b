"""OpenAPI schema corrections, so that the schema says exactly what the API answers.

1. The one error shape (core/errors.py), documented on every operation. drf-spectacular describes
   only the success response of each operation; every operation can also answer with the error
   body of `error_body()`. `add_error_responses` (a postprocessing hook) adds that body once, as
   the component `Error`, and references it from a 400/401/403/404/409/429 response of every
   operation that does not describe that status itself, and a 415 on every operation with a body.
2. Field types whose default schema is wrong for what DRF writes (the extensions below, loaded by
   CoreConfig.ready()): local times carry no UTC offset, and a URL field that may be blank is "".
3. `SingleObjectSchema` for a `list` route that answers one object rather than a list.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema

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
BODY_ERROR_RESPONSES: dict[str, str] = {
    "415": "The body's Content-Type is not one this operation reads.",
}
# Every POST takes an optional Idempotency-Key (core/idempotency.py): reusing one for a different
# request is refused.
POST_ERROR_RESPONSES: dict[str, str] = {
    "422": "The Idempotency-Key was already used for a different request.",
}

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _error_response(status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": {**ERROR_RESPONSES, **BODY_ERROR_RESPONSES, **POST_ERROR_RESPONSES}[status],
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
            statuses = [*ERROR_RESPONSES]
            if "requestBody" in operation:
                statuses += [*BODY_ERROR_RESPONSES]
            if method == "post":
                statuses += [*POST_ERROR_RESPONSES]
            for status in statuses:
                responses.setdefault(status, _error_response(status))
    return result


class LocalTimeFieldExtension(OpenApiSerializerFieldExtension):
    """A TimeField is a wall-clock time in the program's zone ("13:00:00"), with no UTC offset;
    the `time` format means RFC 3339 full-time, which requires one."""

    target_class = "rest_framework.fields.TimeField"

    def map_serializer_field(self, auto_schema, direction) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "Local time in the program's zone, HH:MM[:SS].",
            "example": "13:00:00",
        }


class BlankableUrlFieldExtension(OpenApiSerializerFieldExtension):
    """A URL field that may be blank answers "" for "none", which is no `uri`."""

    target_class = "rest_framework.fields.URLField"

    def map_serializer_field(self, auto_schema, direction) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not (self.target.allow_blank or _model_field_is_blank(self.target)):
            return schema
        uri = dict(schema)
        if getattr(self.target, "max_length", None):
            uri["maxLength"] = self.target.max_length
        return {"anyOf": [uri, {"type": "string", "maxLength": 0}]}


def _model_field_is_blank(field) -> bool:
    """A read-only ModelSerializer field loses `allow_blank`: ask the model field behind it."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except Exception:  # not a model field (a property, an annotation)
        return False


class SingleObjectSchema(AutoSchema):
    """For a viewset whose `list` route answers one object (a table, a dashboard), not a page of
    objects: no array, no pagination in its schema."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
