"""Putting a service's refusal on the form a person filled in."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .errors import DomainError


def add_service_errors(form, exc: Exception) -> None:
    """Attach `exc` (ValidationError or DomainError from a service) to `form`: each message on
    its field when the form has that field, else at the top of the form. Django's own
    `form.add_error(None, exc)` raises for a field the form does not show; this never does."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        fields = exc.message_dict
        summary: list[str] = []
    elif isinstance(exc, DomainError):
        fields = exc.fields
        summary = [exc.message]
    elif isinstance(exc, ValidationError):
        fields, summary = {}, exc.messages
    else:
        fields, summary = {}, [str(exc)]
    for field, messages in fields.items():
        form.add_error(field if field in form.fields else None, messages)
    if summary:
        form.add_error(None, summary)
