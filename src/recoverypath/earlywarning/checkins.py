"""Immediate rules over daily check-ins and lapses (monitoring.signals).

A check-in's rules work on what the submission already read (`recent`: the client's latest
check-ins, the new one first; `inputs`: whether an early-warning alert a check-in can end is
open, see core.hooks.checkins) and on the program's settings from the cache, so the common
check-in costs them no query. They read for themselves only when that is not enough (a low-mood
run longer than the check-ins read, a first check-in ever).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.dispatch import receiver
from django.urls import reverse

from recoverypath.alerts.selectors import alerts_active_count
from recoverypath.monitoring.selectors import check_in_cravings_recent, check_in_low_mood_days
from recoverypath.monitoring.signals import RECENT_FOR_RULES, check_in_submitted, lapse_recorded

from .config import SEVERITY, RuleConfig, rule_configs_cached
from .models import Rule
from .raising import KINDS, warning_raise

if TYPE_CHECKING:
    from recoverypath.clients.models import Client
    from recoverypath.monitoring.models import CheckIn, Lapse


def _day(d) -> str:
    return f"{d:%b} {d.day}"


def _url(client) -> str:
    return reverse("monitoring:staff_check_ins", kwargs={"client_id": client.id})


# The rules whose alert a check-in can end (clearing.py): a submission counts them in its read.
CLEARED_BY_A_CHECK_IN = [Rule.NO_CHECKIN, Rule.HIGH_CRAVING, Rule.LOW_MOOD]
OPEN_INPUT = "earlywarning_open_warnings"


def check_in_rule_inputs(client: Client) -> dict:
    """For core.hooks.checkins: how many alerts of CLEARED_BY_A_CHECK_IN the client has open."""
    kinds = [KINDS[rule] for rule in CLEARED_BY_A_CHECK_IN]
    return {OPEN_INPUT: alerts_active_count(client_id=client.id, kinds=kinds)}


def _config(check_in_or_lapse, rule: str, configs: dict[str, RuleConfig] | None) -> RuleConfig:
    if configs is None:
        configs = rule_configs_cached(program_id=check_in_or_lapse.client.program_id)
    return configs[rule]


def rule_high_craving(
    *,
    check_in: CheckIn,
    recent: list[CheckIn] | None = None,
    configs: dict[str, RuleConfig] | None = None,
) -> bool:
    """Craving at or above the threshold on `count` of the last `window` check-ins (high).
    `recent`: what `check_in_submitted` carries (monitoring.signals), if at hand."""
    client = check_in.client
    config = _config(check_in, Rule.HIGH_CRAVING, configs)
    if not config.enabled:
        return False
    window = config["window"]
    if recent is not None and (len(recent) >= window or len(recent) < RECENT_FOR_RULES):
        pairs = [(c.date, c.craving) for c in recent[:window]]
    else:
        pairs = check_in_cravings_recent(client=client, until=check_in.date, limit=window)
    high = [(d, c) for d, c in pairs if c >= config["threshold"]]
    if len(high) < config["count"]:
        return False
    detail = ", ".join(f"{c} on {_day(d)}" for d, c in reversed(high))
    warning_raise(
        client=client,
        rule=Rule.HIGH_CRAVING,
        severity=SEVERITY[Rule.HIGH_CRAVING],
        reason=(
            f"Craving {config['threshold']} or more (out of 10) on {len(high)} of the last "
            f"{len(pairs)} check-ins: {detail}. Consider reaching out today."
        ),
        dedup_key=f"monitoring:high-craving:{client.id}",
        source=check_in,
        source_url=_url(client),
    )
    return True


def rule_low_mood(
    *,
    check_in: CheckIn,
    recent: list[CheckIn] | None = None,
    configs: dict[str, RuleConfig] | None = None,
) -> bool:
    """Mood at or below `mood` on `days` consecutive days ending with this check-in (medium)."""
    client = check_in.client
    config = _config(check_in, Rule.LOW_MOOD, configs)
    if not config.enabled or check_in.mood > config["mood"]:
        return False
    days = config["days"]
    start = check_in.date - timedelta(days=days - 1)
    # The latest `days` rows hold every row from `start` on (one row a day at most).
    if recent is not None and (len(recent) >= days or len(recent) < RECENT_FOR_RULES):
        low_days = {c.date for c in recent if c.date >= start and c.mood <= config["mood"]}
    else:
        low_days = check_in_low_mood_days(
            client=client, start=start, end=check_in.date, mood=config["mood"]
        )
    if len(low_days) < days:
        return False
    warning_raise(
        client=client,
        rule=Rule.LOW_MOOD,
        severity=SEVERITY[Rule.LOW_MOOD],
        reason=(
            f"Mood {config['mood']} of 5 (very low) on {days} days in a row, "
            f"{_day(start)} to {_day(check_in.date)}."
        ),
        dedup_key=f"monitoring:low-mood:{client.id}",
        source=check_in,
        source_url=_url(client),
    )
    return True


def rule_reported_use(*, lapse: Lapse) -> bool:
    """The client reported using (high)."""
    client = lapse.client
    config = _config(lapse, Rule.REPORTED_USE, None)
    if not config.enabled:
        return False
    what = lapse.substance or "a substance"
    warning_raise(
        client=client,
        rule=Rule.REPORTED_USE,
        severity=SEVERITY[Rule.REPORTED_USE],
        reason=(
            f"{client.display_name} reported using {what} on {_day(lapse.date)}. "
            "Please reach out with support; a lapse is a signal, not a failure."
        ),
        # One alert per lapse: a use is an event (the same lapse updated is the same event).
        dedup_key=f"monitoring:reported-use:{client.id}:lapse:{lapse.id}",
        source=lapse,
        source_url=_url(client),
    )
    return True


@receiver(check_in_submitted, dispatch_uid="earlywarning.checkins.on_check_in")
def on_check_in(
    sender,
    check_in: CheckIn,
    recent: list[CheckIn] | None = None,
    inputs: dict | None = None,
    **kwargs,
) -> None:
    from .clearing import warnings_clear_for_clients

    configs = rule_configs_cached(program_id=check_in.client.program_id)
    rule_high_craving(check_in=check_in, recent=recent, configs=configs)
    rule_low_mood(check_in=check_in, recent=recent, configs=configs)
    # The client checked in: an absence warning is over, and the craving and mood warnings
    # are over if this check-in ends them (clearing.py says when). Nothing to look at when the
    # submission's read found none of them open (a warning raised just above is true).
    if (inputs or {}).get(OPEN_INPUT) == 0:
        return
    warnings_clear_for_clients(client_ids=[check_in.client_id], rules=CLEARED_BY_A_CHECK_IN)


@receiver(lapse_recorded, dispatch_uid="earlywarning.checkins.on_lapse")
def on_lapse(sender, lapse: Lapse, **kwargs) -> None:
    rule_reported_use(lapse=lapse)
