"""Which instruments are due when: each program's rules, or the defaults from issue 5.

Defaults: PHQ-9, GAD-7 and BARC-10 at intake and every 14 days in IOP, monthly in aftercare; the
BAM, a 30-day recall form, at intake and every 28 days (its instrument's `min_interval_days`, so
recall windows do not overlap; no program rule makes it due sooner); AUDIT-C and DAST-10 at
intake; the C-SSRS screener at intake and whenever a safety screen is positive (PHQ-9 item 9 above
0).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .instruments import REGISTRY


@dataclass(frozen=True)
class Rule:
    instrument: str
    at_intake: bool = True
    iop_every_days: int | None = None
    aftercare_every_days: int | None = None
    after_safety_positive: bool = False


MONTH = 30

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("PHQ-9", iop_every_days=14, aftercare_every_days=MONTH),
    Rule("GAD-7", iop_every_days=14, aftercare_every_days=MONTH),
    Rule("BAM", iop_every_days=28, aftercare_every_days=MONTH),
    Rule("BARC-10", iop_every_days=14, aftercare_every_days=MONTH),
    Rule("AUDIT-C"),
    Rule("DAST-10"),
    Rule("C-SSRS-SCREEN", after_safety_positive=True),
)


def at_least_min_interval(rule: Rule) -> Rule:
    """The rule with each interval raised to its instrument's shortest gap (the 30-day BAM: 28
    days), so a program row saved before that limit cannot make recall windows overlap."""
    instrument = REGISTRY.get(rule.instrument)
    floor = instrument.min_interval_days if instrument else None
    if not floor:
        return rule
    return replace(
        rule,
        iop_every_days=max(rule.iop_every_days, floor) if rule.iop_every_days else None,
        aftercare_every_days=(
            max(rule.aftercare_every_days, floor) if rule.aftercare_every_days else None
        ),
    )


def rules_from_rows(rows) -> list[Rule]:
    return [
        at_least_min_interval(
            Rule(
                instrument=row.instrument,
                at_intake=row.at_intake,
                iop_every_days=row.iop_every_days,
                aftercare_every_days=row.aftercare_every_days,
                after_safety_positive=row.after_safety_positive,
            )
        )
        for row in rows
    ]
