"""The one error of the FHIR API (answered as an OperationOutcome) and id parsing."""

from __future__ import annotations

from typing import Any

from recoverypath.core.params import MAX_ID


class FhirError(Exception):
    """A refused FHIR request, answered as an OperationOutcome with this HTTP status."""

    def __init__(self, status: int, message: str, *, code: str = "processing") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def parse_id(value: Any) -> int | None:
    """A FHIR id that names a client (digits only, within the database's range), else None."""
    text = str(value or "")
    if not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def not_found(what: str = "resource") -> FhirError:
    return FhirError(404, f"No such {what}.", code="not-found")
