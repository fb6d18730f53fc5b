"""Rule defaults and per-program settings. One place decides whether a rule runs and with what
thresholds, so the rules themselves stay small."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
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


# How long a program's rule settings may be served from the cache. A change deletes the entry at
# once (and again after commit); with a shared cache (Redis, production) every process sees that
# at once. A per-process cache (LocMem, no REDIS_URL) cannot be told about another process's
# change, so there this bounds how long another process may use the old settings.
CACHE_SECONDS = 60


def _cache_key(program_id: int) -> str:
    # The namespace lets tests (where ids repeat after a rollback) keep entries apart.
    namespace = getattr(django_settings, "CACHE_NAMESPACE", "")
    return f"{namespace}earlywarning:rules:v1:{program_id}"


def rule_configs_cached(*, program_id: int) -> dict[str, RuleConfig]:
    """{rule: RuleConfig} for a program from the cache, or read (one query) and cached: what the
    rules that run on every check-in use. Invalidated when a RuleSetting is saved or deleted."""
    key = _cache_key(program_id)
    stored = cache.get(key)
    if stored is None:
        stored = {
            rule: (config.enabled, config.params)
            for rule, config in rule_configs(program_id=program_id).items()
        }
        cache.set(key, stored, CACHE_SECONDS)
    return {rule: RuleConfig(enabled, dict(params)) for rule, (enabled, params) in stored.items()}


@receiver(post_save, sender=RuleSetting, dispatch_uid="earlywarning.config.saved")
@receiver(post_delete, sender=RuleSetting, dispatch_uid="earlywarning.config.deleted")
def _forget_cached_settings(sender, instance: RuleSetting, **kwargs) -> None:
    key = _cache_key(instance.program_id)
    cache.delete(key)
    # Again after commit: a check-in reading the old row before this commit may have cached it.
    transaction.on_commit(lambda: cache.delete(key))


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
