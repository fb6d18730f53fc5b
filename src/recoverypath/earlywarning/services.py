"""The daily job's rules: absences that no new data would reveal (no check-in for days, low
aftercare adherence). Runs over every client with an active aftercare plan, set-based (see
absence_rules_run)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from recoverypath.aftercare.selectors import adherence_for_plans, plan_has_started, plans_active
from recoverypath.core import permissions
from recoverypath.core.audit import Action, audit_record
from recoverypath.core.timezones import local_today
from recoverypath.monitoring.selectors import check_in_last_date_subquery

from .config import (
    DEFAULTS,
    PARAM_LIMITS,
    SEVERITY,
    rule_config,
    rule_configs,
    settings_for_rules,
)
from .models import Rule, RuleSetting
from .raising import WarningSpec, warnings_raise_bulk

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User
    from recoverypath.aftercare.models import AftercarePlan

BATCH = 1000


@dataclass
class RunResult:
    clients: int = 0
    raised: int = 0


def _day(d: date) -> str:
    return f"{d:%b} {d.day}"


def no_check_in_spec(
    *, plan: AftercarePlan, last: date | None, today: date, settings: dict
) -> WarningSpec | None:
    """No check-in for `medium_days` full days (medium) or `high_days` (high). Today does not
    count: the client still has time. Without any check-in, days count from the plan start."""
    client = plan.client
    config = rule_config(program_id=client.program_id, rule=Rule.NO_CHECKIN, settings=settings)
    if not config.enabled:
        return None
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
        return None
    return WarningSpec(
        client=client,
        rule=Rule.NO_CHECKIN,
        severity=severity,
        reason=f"No daily check-in for {missed} days ({since}).",
        dedup_key=f"monitoring:no-checkin:{client.id}:{last.isoformat() if last else 'none'}",
        source=plan,
        source_url=reverse("monitoring:staff_check_ins", kwargs={"client_id": client.id}),
    )


def low_adherence_spec(
    *, plan: AftercarePlan, adherence, today: date, settings: dict
) -> WarningSpec | None:
    """Adherence under `percent` over the last `days` days, once the plan has run that long."""
    client = plan.client
    config = rule_config(program_id=client.program_id, rule=Rule.LOW_ADHERENCE, settings=settings)
    if not config.enabled or adherence is None or adherence.percent is None:
        return None
    if (today - plan.start_date).days < config["days"]:
        return None
    if adherence.percent >= config["percent"]:
        return None
    worst = sorted(
        (c for c in adherence.components if c.percent is not None), key=lambda c: c.percent
    )[:2]
    detail = "; ".join(
        f"{c.component}: {c.attended} of about {round(c.expected)} expected" for c in worst
    )
    return WarningSpec(
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


def _loosest(settings: dict, rule: str, param: str) -> int:
    """The smallest value of `param` any program uses (the default included): what a query may
    pre-select by before each plan is judged on its own program's settings."""
    values = [DEFAULTS[rule][param]]
    values += [
        row.params[param]
        for row in settings.values()
        if row.rule == rule and param in (row.params or {})
    ]
    return min(int(v) for v in values)


def _plans_past_check_in(*, cutoff: date, client_ids: list[int] | None):
    """Active plans whose client's latest check-in is before `cutoff` (or who never checked in
    and whose plan started by then), with `last_check_in`: one query, read in chunks."""
    plans = plans_active().annotate(
        last_check_in=check_in_last_date_subquery(client_id=OuterRef("client_id"))
    )
    if client_ids is not None:
        plans = plans.filter(client_id__in=client_ids)
    plans = plans.filter(
        Q(last_check_in__lt=cutoff) | Q(last_check_in__isnull=True, start_date__lte=cutoff)
    )
    return plans.order_by("id").iterator(chunk_size=BATCH)


class _Raiser:
    """Collects specs and raises them a batch at a time."""

    def __init__(self) -> None:
        self.specs: list[WarningSpec] = []
        self.raised = 0

    def add(self, spec: WarningSpec | None) -> None:
        if spec is not None:
            self.specs.append(spec)
        if len(self.specs) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.specs:
            self.raised += warnings_raise_bulk(self.specs)
            self.specs = []


def absence_rules_run(*, client_ids: list[int] | None = None) -> RunResult:
    """Evaluate the absence rules for every client with an active plan (or those given).

    Set-based: the no-check-in rule is one query over every active plan, returning only the
    plans a day or more past the loosest program's threshold (each then judged on its own
    program's settings and its client's day); adherence reads the plans in keyset batches of
    `BATCH` (a range scan by id each) with three queries per batch for their contacts; the
    warnings and alerts are written a batch at a time (raising.warnings_raise_bulk). The number
    of statements depends on the number of batches, never on the number of clients in one."""
    settings = settings_for_rules([Rule.NO_CHECKIN, Rule.LOW_ADHERENCE])
    # The server's date may be a day behind a client's: pre-select one day wider.
    latest_today = timezone.localdate() + timedelta(days=1)
    raiser = _Raiser()
    medium_days = _loosest(settings, Rule.NO_CHECKIN, "medium_days")
    for plan in _plans_past_check_in(
        cutoff=latest_today - timedelta(days=medium_days), client_ids=client_ids
    ):
        today = local_today(plan.client.time_zone)
        if not plan_has_started(plan, today=today):
            continue  # drafted before graduation: nothing is expected of it yet
        raiser.add(
            no_check_in_spec(plan=plan, last=plan.last_check_in, today=today, settings=settings)
        )
    result = RunResult()
    plans = plans_active().order_by("id")
    if client_ids is not None:
        plans = plans.filter(client_id__in=client_ids)
    # The plans under watch: those started by their client's local today (a plan drafted
    # before graduation is not). Zones are within a day of the server's date: only plans starting
    # around today are judged one by one.
    earliest_today = timezone.localdate() - timedelta(days=1)
    result.clients = plans.filter(start_date__lt=earliest_today).count() + sum(
        1
        for plan in plans.filter(start_date__gte=earliest_today, start_date__lte=latest_today)
        if plan_has_started(plan, today=local_today(plan.client.time_zone))
    )
    days_min = _loosest(settings, Rule.LOW_ADHERENCE, "days")
    plans = plans.filter(start_date__lte=latest_today - timedelta(days=days_min))
    days = max(
        [DEFAULTS[Rule.LOW_ADHERENCE]["days"]]
        + [int(r.params.get("days", 0)) for r in settings.values() if r.rule == Rule.LOW_ADHERENCE]
    )
    last_id = 0
    while True:
        batch = list(plans.filter(id__gt=last_id)[:BATCH])
        if not batch:
            break
        last_id = batch[-1].id
        adherence = adherence_for_plans(plans=batch, days=days)
        for plan in batch:
            today = local_today(plan.client.time_zone)
            if not plan_has_started(plan, today=today):
                continue  # drafted before graduation: nothing is expected of it yet
            raiser.add(
                low_adherence_spec(
                    plan=plan, adherence=adherence.get(plan.id), today=today, settings=settings
                )
            )
    raiser.flush()
    result.raised = raiser.raised
    return result


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
