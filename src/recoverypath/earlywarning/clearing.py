"""When each early-warning alert is no longer true, and resolving those alerts.

A warning describes a state of the client (no check-in for days, cravings running high); when
the state ends, the alert resolves itself with an event saying why, so nobody chases a warning
that is over. Every rule says here when that is:

    no_checkin          the client has checked in since the alert was raised
    high_craving        fewer than `count` of the last `window` check-ins reach `threshold`
    low_mood            the latest check-in's mood is above `mood`
    low_adherence       adherence is back at `percent` or more, or the plan is no longer active
    unexcused_absences  the client's latest session is not part of a run of `count` unexcused
                        absences (they attended, or an absence was excused)
    reported_use        never by itself: a use is an event, and a person resolves it
    missed_appointment  never by itself: a missed appointment is an event, and a person
                        resolves it

Safety alerts (screens, help requests) are never resolved here: a person always does that.
Checks run at once when new data arrives (a check-in, an attendance) and for every open
early-warning alert in the nightly job (`warnings_clear_run`), one batch of queries per rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from recoverypath.aftercare.selectors import adherence_for_plans, plan_is_active, plans_by_id
from recoverypath.alerts.selectors import alerts_active_of_kind
from recoverypath.alerts.services import alert_resolve_cleared
from recoverypath.monitoring.selectors import (
    check_in_last_date_by_client,
    check_in_last_updated_by_client,
    check_ins_recent_by_client,
)
from recoverypath.scheduling.selectors import attendance_unexcused_streak

from .config import rule_config, settings_for_programs
from .models import Rule
from .raising import KINDS

if TYPE_CHECKING:
    from recoverypath.alerts.models import Alert

Check = Callable[[list["Alert"]], dict[int, str]]  # open alerts -> {alert id: why it is over}


def _day(d) -> str:
    return f"{d:%b} {d.day}"


def _configs(alerts: list[Alert], rule: str) -> dict[int, Any]:
    settings = settings_for_programs({a.client.program_id for a in alerts})
    return {
        a.id: rule_config(program_id=a.client.program_id, rule=rule, settings=settings)
        for a in alerts
    }


def no_checkin_cleared(alerts: list[Alert]) -> dict[int, str]:
    latest = check_in_last_updated_by_client(client_ids={a.client_id for a in alerts})
    days = check_in_last_date_by_client(client_ids={a.client_id for a in alerts})
    return {
        a.id: f"Checked in again (latest check-in {_day(days[a.client_id])}): "
        "the client is back in touch, so this warning no longer applies."
        for a in alerts
        if latest.get(a.client_id) and latest[a.client_id] >= a.raised_at
    }


def high_craving_cleared(alerts: list[Alert]) -> dict[int, str]:
    configs = _configs(alerts, Rule.HIGH_CRAVING)
    window = max(c["window"] for c in configs.values())
    recent = check_ins_recent_by_client(client_ids=(a.client_id for a in alerts), limit=window)
    over = {}
    for a in alerts:
        config = configs[a.id]
        last = recent.get(a.client_id, [])[: config["window"]]
        high = sum(1 for c in last if c.craving >= config["threshold"])
        if last and high < config["count"]:
            over[a.id] = (
                f"Cravings eased: {high} of the last {len(last)} check-ins at "
                f"{config['threshold']} or more (the warning needs {config['count']})."
            )
    return over


def low_mood_cleared(alerts: list[Alert]) -> dict[int, str]:
    configs = _configs(alerts, Rule.LOW_MOOD)
    recent = check_ins_recent_by_client(client_ids=(a.client_id for a in alerts), limit=1)
    over = {}
    for a in alerts:
        last = recent.get(a.client_id)
        if last and last[0].mood > configs[a.id]["mood"]:
            over[a.id] = (
                f"Mood {last[0].mood} of 5 on {_day(last[0].date)}: the run of very low days "
                "has ended."
            )
    return over


def low_adherence_cleared(alerts: list[Alert]) -> dict[int, str]:
    plan_ids = {int(a.source_id) for a in alerts if a.source_id.isdigit()}
    plans = plans_by_id(plan_ids=plan_ids)
    active = [p for p in plans.values() if plan_is_active(p)]
    configs = _configs(alerts, Rule.LOW_ADHERENCE)
    days = max((c["days"] for c in configs.values()), default=14)
    adherence = adherence_for_plans(plans=active, days=days) if active else {}
    over = {}
    for a in alerts:
        plan = plans.get(int(a.source_id)) if a.source_id.isdigit() else None
        if plan is None or not plan_is_active(plan):
            over[a.id] = "The aftercare plan is no longer active."
            continue
        result = adherence.get(plan.id)
        percent = result.percent if result is not None else None
        if percent is not None and percent >= configs[a.id]["percent"]:
            over[a.id] = f"Aftercare plan adherence is back to {percent}%."
    return over


def unexcused_absences_cleared(alerts: list[Alert]) -> dict[int, str]:
    configs = _configs(alerts, Rule.UNEXCUSED_ABSENCES)
    over = {}
    for a in alerts:  # one query per open alert of this rule: there are few
        streak = attendance_unexcused_streak(client_id=a.client_id)
        if len(streak) < configs[a.id]["count"]:
            over[a.id] = (
                "The run of unexcused absences has ended: the latest session was attended "
                "or excused."
            )
    return over


@dataclass(frozen=True)
class Clearing:
    rule: str
    check: Check | None  # None: an event, never over by itself; a person resolves it


CLEARINGS: dict[str, Clearing] = {
    Rule.NO_CHECKIN: Clearing(Rule.NO_CHECKIN, no_checkin_cleared),
    Rule.HIGH_CRAVING: Clearing(Rule.HIGH_CRAVING, high_craving_cleared),
    Rule.LOW_MOOD: Clearing(Rule.LOW_MOOD, low_mood_cleared),
    Rule.LOW_ADHERENCE: Clearing(Rule.LOW_ADHERENCE, low_adherence_cleared),
    Rule.UNEXCUSED_ABSENCES: Clearing(Rule.UNEXCUSED_ABSENCES, unexcused_absences_cleared),
    Rule.REPORTED_USE: Clearing(Rule.REPORTED_USE, None),
    Rule.MISSED_APPOINTMENT: Clearing(Rule.MISSED_APPOINTMENT, None),
}
if set(CLEARINGS) != set(Rule.values):
    raise RuntimeError("Every early-warning rule must say when its alert is no longer true.")


def _clear(rules: Iterable[str], client_ids: list[int] | None) -> int:
    resolved = 0
    for rule in rules:
        clearing = CLEARINGS[rule]
        if clearing.check is None:
            continue
        alerts = alerts_active_of_kind(kind=KINDS[rule], client_ids=client_ids)
        if not alerts:
            continue
        for alert_id, note in clearing.check(alerts).items():
            resolved += alert_resolve_cleared(alert_id=alert_id, note=note) is not None
    return resolved


def warnings_clear_for_clients(*, client_ids: list[int], rules: Iterable[str]) -> int:
    """Resolve the given rules' open alerts of these clients that are no longer true."""
    return _clear(rules, list(client_ids))


def warnings_clear_run() -> int:
    """The nightly job: resolve every open early-warning alert that is no longer true. Returns
    how many were resolved."""
    return _clear(list(CLEARINGS), None)
