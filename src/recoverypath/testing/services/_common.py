"""Helpers every testing service shares: the access check, the audit row, parsing."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from recoverypath.core.audit import audit_record

from ..permissions import can_manage_testing

if TYPE_CHECKING:
    from recoverypath.accounts.models import User
    from recoverypath.clients.models import Client


def require_manage(actor: User, client: Client) -> None:
    if not can_manage_testing(actor, client):
        raise PermissionDenied("Testing is managed by the program's coordinators and clinicians.")


def audit(
    actor: User | None, obj, client: Client, action: str, changes: dict | None = None
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        client_id=client.id,
        organization_id=client.organization_id,
        changes=changes or {},
    )


def actor_or_none(actor: User | None) -> User | None:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def parse_decimal(errors: dict, name: str, value: Any, *, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[name] = f"{label}: enter a number."
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[name] = f"{label}: enter a number."
        return None
    if not number.is_finite():
        errors[name] = f"{label}: enter a number."
        return None
    return number


def parse_date(errors: dict, name: str, value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        errors[name] = "Enter a date as YYYY-MM-DD."
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[name] = "Enter a date as YYYY-MM-DD."
        return None


def parse_time(errors: dict, name: str, value: Any) -> time | None:
    if value is None or value == "":
        errors[name] = "This field is required."
        return None
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        errors[name] = "Enter a time as HH:MM."
        return None
