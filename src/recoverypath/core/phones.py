from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError

DEFAULT_REGION = "US"


def normalize_phone(value: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164 (+12025550143), or "" for blank; ValidationError when malformed."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 32:
        raise ValidationError(
            "Enter a phone number of at most 32 characters.", code="invalid_phone"
        )
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            "Enter a valid phone number, e.g. +1 202 555 0143.", code="invalid_phone"
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            "Enter a valid phone number, e.g. +1 202 555 0143.", code="invalid_phone"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str) -> str:
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
