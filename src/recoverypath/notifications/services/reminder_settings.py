"""A program's reminders: which kinds go out, and how long before (or at what time)."""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record

from ..models import ReminderSetting
from ..reminder_config import DEFAULTS, LEAD_LIMITS, ReminderConfig, has_lead, has_send_time
from ..selectors import reminder_configs

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User


def _errors(changes: dict[str, dict[str, Any]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for kind, change in changes.items():
        if kind not in DEFAULTS:
            errors[f"reminders.{kind}"] = "Unknown kind of reminder."
            continue
        unknown = sorted(set(change) - {"enabled", "lead_minutes", "send_time"})
        if unknown:
            errors[f"reminders.{kind}.{unknown[0]}"] = "Unknown setting."
        enabled = change.get("enabled", True)
        if not isinstance(enabled, bool):
            errors[f"reminders.{kind}.enabled"] = "Say on or off."
        if "lead_minutes" in change:
            lead = change["lead_minutes"]
            if not has_lead(kind):
                errors[f"reminders.{kind}.lead_minutes"] = "This reminder has no lead time."
            else:
                low, high = LEAD_LIMITS[kind]
                if isinstance(lead, bool) or not isinstance(lead, int) or not low <= lead <= high:
                    errors[f"reminders.{kind}.lead_minutes"] = (
                        f"Choose a whole number of minutes from {low} to {high}."
                    )
        if "send_time" in change:
            if not has_send_time(kind):
                errors[f"reminders.{kind}.send_time"] = "This reminder has no time of day."
            elif not isinstance(change["send_time"], time):
                errors[f"reminders.{kind}.send_time"] = "Give a time of day."
    return errors


def _plain(enabled: bool, lead_minutes: int | None, send_time: time | None) -> dict[str, Any]:
    return {
        "enabled": enabled,
        "lead_minutes": lead_minutes,
        "send_time": send_time.strftime("%H:%M") if send_time else None,
    }


def reminder_settings_update(
    *, actor: User, program: Program, changes: dict[str, dict[str, Any]]
) -> dict[str, ReminderConfig]:
    """Save a program's reminder settings (program admins only).

    `changes` maps a kind (`ReminderKind`) to any of {"enabled": bool, "lead_minutes": int,
    "send_time": time}; what is left out keeps its current value. Raises PermissionDenied for
    anyone but the program's admins and ValidationError (fields named `reminders.<kind>.<name>`)
    for an unknown kind or setting or a value out of its limits. One transaction, one audit event
    with the values before and after. Returns {kind: ReminderConfig} after the change.
    """
    if not permissions.can_administer_program(actor, program.id):
        raise PermissionDenied("Only the program's admins change its reminders.")
    errors = _errors(changes)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = reminder_configs(program_id=program.id)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for kind, change in changes.items():
            config = current[kind]
            values: dict[str, Any] = {
                "enabled": change.get("enabled", config.enabled),
                "lead_minutes": change.get("lead_minutes", config.lead_minutes),
                "send_time": change.get("send_time", config.send_time),
            }
            old = _plain(config.enabled, config.lead_minutes, config.send_time)
            new = _plain(values["enabled"], values["lead_minutes"], values["send_time"])
            if old == new:
                continue
            ReminderSetting.objects.update_or_create(program=program, kind=kind, defaults=values)
            before[kind], after[kind] = old, new
        if after:
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=program,
                organization_id=program.organization_id,
                object_type="notifications.reminder_settings",
                object_id=str(program.id),
                changes={"reminders": [before, after]},
            )
    return reminder_configs(program_id=program.id)
