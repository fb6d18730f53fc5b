"""Rule defaults and per-program settings. One place decides whether a rule runs and with what
thresholds, so the rules themselves stay small."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import Http404

from recoverypath.accounts.selectors import program_list_for_user
from recoverypath.core import permissions

from .models import Rule, RuleSetting

if TYPE_CHECKING:
    from recoverypath.accounts.models import Program, User

DEFAULTS: dict[str, dict[str, Any]] = {
    Rule.NO_CHECKIN: {"medium_days": 2, "high_days": 4},
    Rule.HIGH_CRAVING: {"threshold": 7, "count": 3, "window": 5},
    Rule.REPORTED_USE: {},
    Rule.LOW_MOOD: {"mood": 1, "days": 3},
    Rule.MISSED_APPOINTMENT: {},
    Rule.LOW_ADHERENCE: {"percent": 50, "days": 14},
    Rule.UNEXCUSED_ABSENCES: {"count": 2},
}
SEVERITY: dict[str, str] = {
    Rule.HIGH_CRAVING: "high",
    Rule.REPORTED_USE: "high",
    Rule.LOW_MOOD: "medium",
    Rule.MISSED_APPOINTMENT: "medium",
    Rule.LOW_ADHERENCE: "medium",
    Rule.UNEXCUSED_ABSENCES: "high",
}
PARAM_LIMITS: dict[str, tuple[int, int]] = {
    "medium_days": (1, 30),
    "high_days": (1, 60),
    "threshold": (0, 10),
    "count": (1, 14),
    "window": (1, 14),
    "mood": (1, 5),
    "days": (1, 60),
    "percent": (1, 100),
}


@dataclass(frozen=True)
class RuleConfig:
    enabled: bool
    params: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]


def rule_config(*, program_id: int, rule: str, settings: dict | None = None) -> RuleConfig:
    """The rule's settings for a program. `settings` ({(program_id, rule): RuleSetting}) lets a
    batch job load every override in one query (see settings_for_programs)."""
    if settings is None:
        row = RuleSetting.objects.filter(program_id=program_id, rule=rule).first()
    else:
        row = settings.get((program_id, rule))
    params = dict(DEFAULTS[rule])
    if row is None:
        return RuleConfig(True, params)
    params.update({k: v for k, v in (row.params or {}).items() if k in params})
    return RuleConfig(row.enabled, params)


def rules_program_get(*, user: User, program_id: int) -> Program:
    """The program whose rules `user` may change (its admins); Http404 for anyone else, so
    the program's existence is never hinted."""
    program = (
        program_list_for_user(user=user, min_rank=permissions.Rank.ADMIN)
        .filter(pk=program_id)
        .first()
    )
    if program is None:
        raise Http404("No such program.")
    return program


def rule_configs(*, program_id: int) -> dict[str, RuleConfig]:
    """{rule: RuleConfig} for every rule of a program, in one query."""
    settings = settings_for_programs([program_id])
    return {
        r.value: rule_config(program_id=program_id, rule=r.value, settings=settings) for r in Rule
    }


def settings_for_programs(program_ids) -> dict:
    return {
        (row.program_id, row.rule): row
        for row in RuleSetting.objects.filter(program_id__in=list(program_ids))
    }


def settings_for_rules(rules) -> dict:
    """Every program's override of these rules, in one query (the nightly job's)."""
    return {
        (row.program_id, row.rule): row for row in RuleSetting.objects.filter(rule__in=list(rules))
    }
