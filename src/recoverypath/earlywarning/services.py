"""The daily job's rules: absences that no new data would reveal (no check-in for days, low
aftercare adherence). Runs over every client with an active aftercare plan, in batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from recoverypath.aftercare.selectors import adherence_for_plans, plan_has_started, plans_active
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.timezones import local_today

from .config import (
    DEFAULTS,
    PARAM_LIMITS,
    SEVERITY,
    rule_config,
    rule_configs,
    settings_for_programs,
)
from .models import Rule, RuleSetting
from .raising import warning_raise

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User
    from recoverypath.aftercare.models import AftercarePlan

BATCH = 500


@dataclass
class RunResult:
    clients: int = 0
    raised: int = 0


def _day(d: date) -> str:
    return f"{d:%b} {d.day}"


def rule_no_check_in(*, plan: AftercarePlan, last: date | None, today: date, settings=None) -> bool:
    """No check-in for `medium_days` full days (medium) or `high_days` (high). Today does not
    count: the client still has time. Without any check-in, days count from the plan start."""
    client = plan.client
    config = rule_config(program_id=client.program_id, rule=Rule.NO_CHECKIN, settings=settings)
    if not config.enabled:
        return False
    if last is not None and last >= plan.start_date:
        missed = (today - last).days - 1
        since = f"since {_day(last)}"
    else:
        missed = (today - plan.start_date).days
        since = f"since the plan started on {_day(plan.start_date)}"
    if missed >= config["high_days"]:
        severity = "high"
    elif missed >= config["medium_days"]:
        severity = "medium"
    else:
        return False
    warning_raise(
        client=client,
        rule=Rule.NO_CHECKIN,
        severity=severity,
        reason=f"No daily check-in for {missed} days ({since}).",
        dedup_key=f"monitoring:no-checkin:{client.id}:{last.isoformat() if last else 'none'}",
        source=plan,
        source_url=reverse("monitoring:staff_check_ins", kwargs={"client_id": client.id}),
    )
    return True


def rule_low_adherence(*, plan: AftercarePlan, adherence, today: date, settings=None) -> bool:
    """Adherence under `percent` over the last `days` days, once the plan has run that long."""
    client = plan.client
    config = rule_config(program_id=client.program_id, rule=Rule.LOW_ADHERENCE, settings=settings)
    if not config.enabled or adherence is None or adherence.percent is None:
        return False
    if (today - plan.start_date).days < config["days"]:
        return False
    if adherence.percent >= config["percent"]:
        return False
    worst = sorted(
        (c for c in adherence.components if c.percent is not None), key=lambda c: c.percent
    )[:2]
    detail = "; ".join(
        f"{c.component}: {c.attended} of about {round(c.expected)} expected" for c in worst
    )
    warning_raise(
        client=client,
        rule=Rule.LOW_ADHERENCE,
        severity=SEVERITY[Rule.LOW_ADHERENCE],
        reason=(
            f"Aftercare plan adherence {adherence.percent}% over the last {config['days']} days "
            f"(below {config['percent']}%). {detail}."
        ),
        dedup_key=f"aftercare:low-adherence:{plan.id}",
        source=plan,
        source_url=reverse("aftercare:plan", kwargs={"plan_id": plan.id}),
    )
    return True


def absence_rules_run(*, client_ids: list[int] | None = None) -> RunResult:
    """Evaluate the absence rules for every client with an active plan (or those given).
    A fixed number of queries per batch of 500 plans, plus one write per rule that fires."""
    result = RunResult()
    plans = plans_active().annotate(last_check_in=Max("client__check_ins__date")).order_by("id")
    if client_ids is not None:
        plans = plans.filter(client_id__in=client_ids)
    last_id = 0
    while True:
        batch = list(plans.filter(id__gt=last_id)[:BATCH])
        if not batch:
            return result
        last_id = batch[-1].id
        settings = settings_for_programs({p.client.program_id for p in batch})
        days = max(
            rule_config(program_id=p.client.program_id, rule=Rule.LOW_ADHERENCE, settings=settings)[
                "days"
            ]
            for p in batch
        )
        adherence = adherence_for_plans(plans=batch, days=days)
        for plan in batch:
            today = local_today(plan.client.time_zone)
            if not plan_has_started(plan, today=today):
                continue  # drafted before graduation: nothing is expected of it yet
            result.clients += 1
            result.raised += rule_no_check_in(
                plan=plan, last=plan.last_check_in, today=today, settings=settings
            )
            result.raised += rule_low_adherence(
                plan=plan, adherence=adherence.get(plan.id), today=today, settings=settings
            )


def rule_settings_update(*, actor: User, program: Program, rules: dict[str, dict]):
    """Save a program's early-warning rule settings (program admins only).

    `rules` maps a rule to {"enabled": bool, "params": {name: int}}; a rule or parameter left
    out keeps its current value. Raises PermissionDenied for non-admins and ValidationError
    (fields named `rules.<rule>.<param>`) for an unknown rule or parameter or a value out of its
    limits. One transaction and one audit event. Returns {rule: RuleConfig} after the change."""
    if not permissions.can_administer_program(actor, program.id):
        raise PermissionDenied("Only the program's admins change early-warning rules.")
    errors: dict[str, str] = {}
    for rule, change in rules.items():
        if rule not in DEFAULTS:
            errors[f"rules.{rule}"] = "Unknown rule."
            continue
        for name, value in (change.get("params") or {}).items():
            if name not in DEFAULTS[rule]:
                errors[f"rules.{rule}.{name}"] = "Unknown setting for this rule."
                continue
            low, high = PARAM_LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors[f"rules.{rule}.{name}"] = f"Choose a whole number from {low} to {high}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = rule_configs(program_id=program.id)
        for rule, change in rules.items():
            config = current[rule]
            params = {**config.params, **(change.get("params") or {})}
            enabled = change.get("enabled", config.enabled)
            RuleSetting.objects.update_or_create(
                program=program, rule=rule, defaults={"enabled": enabled, "params": params}
            )
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=program,
            organization_id=program.organization_id,
            changes={"early_warning_rules": [None, sorted(rules)]},
        )
    return rule_configs(program_id=program.id)
