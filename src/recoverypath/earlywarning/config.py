"""Rule defaults and per-program settings. One place decides whether a rule runs and with what
thresholds, so the rules themselves stay small."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Rule, RuleSetting

DEFAULTS: dict[str, dict[str, Any]] = {
    Rule.NO_CHECKIN: {"medium_days": 2, "high_days": 4},
    Rule.HIGH_CRAVING: {"threshold": 7, "count": 3, "window": 5},
    Rule.REPORTED_USE: {},
    Rule.LOW_MOOD: {"mood": 1, "days": 3},
    Rule.MISSED_APPOINTMENT: {},
    Rule.LOW_ADHERENCE: {"percent": 50, "days": 14},
}
SEVERITY: dict[str, str] = {
    Rule.HIGH_CRAVING: "high",
    Rule.REPORTED_USE: "high",
    Rule.LOW_MOOD: "medium",
    Rule.MISSED_APPOINTMENT: "medium",
    Rule.LOW_ADHERENCE: "medium",
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


def settings_for_programs(program_ids) -> dict:
    return {
        (row.program_id, row.rule): row
        for row in RuleSetting.objects.filter(program_id__in=list(program_ids))
    }
