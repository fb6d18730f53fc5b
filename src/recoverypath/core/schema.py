"""The project's OpenAPI schema class: every POST documents the optional Idempotency-Key."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional. A new random value (e.g. a UUID, 1-255 printable characters) per request. "
        "A retry with the same key within 24 hours returns the first response (status and "
        "body, with the header `Idempotent-Replayed: true`) and writes nothing again. Keys are "
        "scoped to the authenticated user. The same key with a different request is refused "
        "with 422 (`idempotency_key_reused`); while the first request is still running a retry "
        "gets 409 (`idempotency_key_in_use`) with Retry-After."
    ),
)


class AutoSchema(SpectacularAutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY_PARAMETER)
        return parameters
