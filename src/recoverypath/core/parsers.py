"""The API's JSON parser: hostile bodies are a 400 (413 when too large) in the one error shape,
never a server error or a database refusal later on.

Refused here, before any view runs: bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (413), malformed
JSON, nesting deeper than MAX_DEPTH, numbers JSON does not allow (NaN, Infinity, a float that
overflows) and NUL characters in any string or key (PostgreSQL refuses them in text and JSON
columns). Whole numbers beyond 64 bits pass here so that the field they were sent in can name
itself in the 400 (see core.params.bound_api_numbers).
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def body_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("number out of range")
    return number


def _constant(text: str):
    raise ValueError(f"{text} is not a number JSON allows")


def _check(value: Any) -> None:
    """Depth and NUL characters, walked without recursion (a deep body cannot overflow the
    stack here either). Raises a ValidationError naming where the NUL is."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        item, depth, where = stack.pop()
        if depth > MAX_DEPTH:
            raise exceptions.ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
        if isinstance(item, str):
            if "\x00" in item:
                raise exceptions.ValidationError(
                    {where or "non_field_errors": ["Text may not contain NUL characters."]}
                )
        elif isinstance(item, dict):
            for key, sub in item.items():
                name = f"{where}.{key}" if where else str(key)
                if "\x00" in key:
                    raise exceptions.ValidationError(
                        {"non_field_errors": ["Names may not contain NUL characters."]}
                    )
                stack.append((sub, depth + 1, name))
        elif isinstance(item, list):
            for index, sub in enumerate(item):
                stack.append((sub, depth + 1, f"{where}[{index}]" if where else f"[{index}]"))


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = body_limit()
        if stream is None:
            return {}
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(
                raw.decode(encoding),
                parse_float=_float,
                parse_constant=_constant,
            )
        except (ValueError, RecursionError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(f"The body is not valid JSON: {str(exc)[:120]}") from exc
        _check(data)
        return data
