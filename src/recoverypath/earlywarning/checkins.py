"""Immediate rules over daily check-ins and lapses (monitoring.signals)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.dispatch import receiver
from django.urls import reverse

from recoverypath.monitoring.selectors import check_in_cravings_recent, check_in_low_mood_days
from recoverypath.monitoring.signals import check_in_submitted, lapse_recorded

from .config import SEVERITY, rule_config
from .models import Rule
from .raising import warning_raise

if TYPE_CHECKING:
    from recoverypath.monitoring.models import CheckIn, Lapse


def _day(d) -> str:
    return f"{d:%b} {d.day}"


def _url(client) -> str:
    return reverse("monitoring:staff_check_ins", kwargs={"client_id": client.id})


def rule_high_craving(*, check_in: CheckIn) -> bool:
    """Craving at or above the threshold on `count` of the last `window` check-ins (high)."""
    client = check_in.client
    config = rule_config(program_id=client.program_id, rule=Rule.HIGH_CRAVING)
    if not config.enabled:
        return False
    recent = check_in_cravings_recent(client=client, until=check_in.date, limit=config["window"])
    high = [(d, c) for d, c in recent if c >= config["threshold"]]
    if len(high) < config["count"]:
        return False
    detail = ", ".join(f"{c} on {_day(d)}" for d, c in reversed(high))
    warning_raise(
        client=client,
        rule=Rule.HIGH_CRAVING,
        severity=SEVERITY[Rule.HIGH_CRAVING],
        reason=(
            f"Craving {config['threshold']} or more (out of 10) on {len(high)} of the last "
            f"{len(recent)} check-ins: {detail}. Consider reaching out today."
        ),
        dedup_key=f"monitoring:high-craving:{client.id}",
        source=check_in,
        source_url=_url(client),
    )
    return True


def rule_low_mood(*, check_in: CheckIn) -> bool:
    """Mood at or below `mood` on `days` consecutive days ending with this check-in (medium)."""
    client = check_in.client
    config = rule_config(program_id=client.program_id, rule=Rule.LOW_MOOD)
    if not config.enabled or check_in.mood > config["mood"]:
        return False
    days = config["days"]
    start = check_in.date - timedelta(days=days - 1)
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
    config = rule_config(program_id=client.program_id, rule=Rule.REPORTED_USE)
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
def on_check_in(sender, check_in: CheckIn, **kwargs) -> None:
    from .clearing import warnings_clear_for_clients

    rule_high_craving(check_in=check_in)
    rule_low_mood(check_in=check_in)
    # The client checked in: an absence warning is over, and the craving and mood warnings
    # are over if this check-in ends them (clearing.py says when).
    warnings_clear_for_clients(
        client_ids=[check_in.client_id],
        rules=[Rule.NO_CHECKIN, Rule.HIGH_CRAVING, Rule.LOW_MOOD],
    )


@receiver(lapse_recorded, dispatch_uid="earlywarning.checkins.on_lapse")
def on_lapse(sender, lapse: Lapse, **kwargs) -> None:
    rule_reported_use(lapse=lapse)
