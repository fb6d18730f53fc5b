"""Early-warning performance: do the warnings precede what they warn of?

The unit is a client-week: on each snapshot day t (the period's first day, then every 7 days,
while the client has an open episode and t + 14 is within the period) we ask
- which early-warning rules fired (an alert of the rule raised or raised again) in (t - 7, t];
- the risk score at t: the dashboard's order as a number, the worst severity among alerts
  raised in (t - 7, t] (critical 4, high 3, medium 2, low 1, none 0) plus 0.01 per alert raised
  (more alerts rank higher among equals, as the dashboard's "more recent warning" does);
- what happened next, within H = 7 or 14 days: a lapse in (t, t + H], or a missed week (a
  block of 7 days (t, t + 7], and for H = 14 also (t + 7, t + 14], without any check-in).
Per rule: precision = weeks warned and followed by an event / weeks warned; recall = weeks
followed by an event that were warned / weeks followed by an event; lead time = mean days from
the last firing to the first event. The risk score: AUC (the chance a week followed by an
event scores above one that is not; ties count half) with a 95% Hanley-McNeil interval, for
both horizons, and for 7 days by sex, age band and, where recorded, ethnicity and race (OMB
1997 categories; a client naming two or more races counts in "two or more races", as OMB
reports them). A subgroup of fewer than MIN_GROUP_CLIENTS clients is listed with its counts
and marked too few, its AUC not computed: a figure from a handful of people says nothing
about fairness and may point at them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

SEVERITY_SCORE = {"critical": 4, "high": 3, "medium": 2, "low": 1}
HORIZONS = (7, 14)
AGE_BANDS = ((18, 25), (26, 34), (35, 49), (50, 200))
MIN_GROUP_CLIENTS = 10
NOT_RECORDED = "not recorded"
TWO_OR_MORE = "two or more races"
# Answers meaning "no category": they form their own rows, never a race.
RACE_NON_ANSWERS = {"declined": "declined", "unknown": "unknown"}


@dataclass
class ClientHistory:
    client_id: int
    sex: str
    age: int | None
    spans: list[tuple[date, date | None]]
    check_ins: set[date] = field(default_factory=set)
    lapses: list[date] = field(default_factory=list)
    firings: list[tuple[date, str, str]] = field(default_factory=list)  # (day, rule, severity)
    ethnicity: str = ""  # a clients.Ethnicity label, "" when not recorded
    race: list[str] = field(default_factory=list)  # clients.Race labels, [] when not recorded

    @property
    def race_ethnicity_recorded(self) -> bool:
        return bool(self.ethnicity or self.race)


@dataclass
class Week:
    client_id: int
    group: dict[str, str]
    day: date
    rules: dict[str, date]  # rule -> last firing day in (t - 7, t]
    score: float
    events: dict[int, date | None]  # horizon -> first event day, None when none


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}-{high}"
    return "under 18"


def race_group(race: list[str]) -> str:
    """The reporting group of one client's race answer (labels, as recorded)."""
    if not race:
        return NOT_RECORDED
    if len(race) > 1:
        return TWO_OR_MORE
    return race[0]


def _groups(h: ClientHistory) -> dict[str, str]:
    return {
        "sex": h.sex,
        "age band": age_band(h.age),
        "ethnicity": h.ethnicity or NOT_RECORDED,
        "race": race_group(h.race),
    }


def _open(spans, day: date) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in spans)


def first_event(h: ClientHistory, t: date, horizon: int) -> date | None:
    days = [d for d in h.lapses if t < d <= t + timedelta(horizon)]
    for block in range(horizon // 7):
        lo = t + timedelta(7 * block + 1)
        week = [lo + timedelta(n) for n in range(7)]
        if not any(d in h.check_ins for d in week):
            days.append(week[-1])  # a missed week is known at its end
    return min(days) if days else None


def weeks(histories: list[ClientHistory], start: date, end: date) -> list[Week]:
    out = []
    for h in histories:
        t = start
        while t + timedelta(14) <= end:
            if _open(h.spans, t):
                recent = [(d, r, s) for d, r, s in h.firings if t - timedelta(7) < d <= t]
                rules: dict[str, date] = {}
                for d, r, _ in recent:
                    rules[r] = max(rules.get(r, d), d)
                worst = max((SEVERITY_SCORE.get(s, 0) for _, _, s in recent), default=0)
                out.append(
                    Week(
                        client_id=h.client_id,
                        group=_groups(h),
                        day=t,
                        rules=rules,
                        score=worst + 0.01 * len(recent),
                        events={hz: first_event(h, t, hz) for hz in HORIZONS},
                    )
                )
            t += timedelta(7)
    return out


@dataclass(frozen=True)
class RuleRow:
    rule: str
    horizon: int
    warned: int
    warned_and_event: int
    events: int
    mean_lead_days: float | None

    @property
    def precision(self) -> float | None:
        return self.warned_and_event / self.warned if self.warned else None

    @property
    def recall(self) -> float | None:
        return self.warned_and_event / self.events if self.events else None


def rule_rows(items: list[Week], rules: list[str]) -> list[RuleRow]:
    out = []
    for rule in rules:
        for hz in HORIZONS:
            warned = [w for w in items if rule in w.rules]
            firsts = [(w, w.events[hz]) for w in warned]
            hits = [(w, day) for w, day in firsts if day is not None]
            leads = [(day - w.rules[rule]).days for w, day in hits]
            out.append(
                RuleRow(
                    rule,
                    hz,
                    len(warned),
                    len(hits),
                    sum(1 for w in items if w.events[hz] is not None),
                    sum(leads) / len(leads) if leads else None,
                )
            )
    return out


@dataclass(frozen=True)
class Auc:
    label: str
    value: float | None
    low: float | None
    high: float | None
    positives: int
    negatives: int
    clients: int = 0
    too_few: bool = False  # a subgroup under MIN_GROUP_CLIENTS clients: no AUC computed


def auc(label: str, scores_pos: list[float], scores_neg: list[float]) -> Auc:
    """Mann-Whitney AUC (ties half) with Hanley & McNeil's (1982) standard error."""
    n1, n2 = len(scores_pos), len(scores_neg)
    if not n1 or not n2:
        return Auc(label, None, None, None, n1, n2)
    neg = sorted(scores_neg)
    import bisect

    wins = 0.0
    for s in scores_pos:
        below = bisect.bisect_left(neg, s)
        ties = bisect.bisect_right(neg, s) - below
        wins += below + ties / 2
    a = wins / (n1 * n2)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / (n1 * n2)
    se = math.sqrt(max(var, 0.0))
    return Auc(label, a, max(0.0, a - 1.96 * se), min(1.0, a + 1.96 * se), n1, n2)


def score_auc(label: str, items: list[Week], horizon: int = 7, *, subgroup: bool = False) -> Auc:
    """The risk score's AUC over `items`; for a subgroup of fewer than MIN_GROUP_CLIENTS
    clients, only the counts (marked too few)."""
    pos = [w.score for w in items if w.events[horizon] is not None]
    neg = [w.score for w in items if w.events[horizon] is None]
    clients = len({w.client_id for w in items})
    if subgroup and clients < MIN_GROUP_CLIENTS:
        return Auc(label, None, None, None, len(pos), len(neg), clients, too_few=True)
    result = auc(label, pos, neg)
    return Auc(
        result.label,
        result.value,
        result.low,
        result.high,
        result.positives,
        result.negatives,
        clients,
    )


@dataclass
class Performance:
    weeks: int
    rules: list[RuleRow]
    overall: Auc  # 7 days
    overall_14: Auc
    by_group: list[Auc]  # 7 days
    race_ethnicity_recorded: bool = False


def evaluate(
    histories: list[ClientHistory], start: date, end: date, rules: list[str]
) -> Performance:
    items = weeks(histories, start, end)
    recorded = any(h.race_ethnicity_recorded for h in histories)
    keys = ["sex", "age band"] + (["ethnicity", "race"] if recorded else [])
    groups = []
    for key in keys:
        for value in sorted({w.group[key] for w in items}):
            chosen = [w for w in items if w.group[key] == value]
            groups.append(score_auc(f"{key}: {value}", chosen, subgroup=True))
    return Performance(
        len(items),
        rule_rows(items, rules),
        score_auc("All clients, 7 days", items),
        score_auc("All clients, 14 days", items, horizon=14),
        groups,
        race_ethnicity_recorded=recorded,
    )
