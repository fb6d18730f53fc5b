"""Which instruments are due when: each program's rules, or the defaults from issue 5.

Defaults: PHQ-9, GAD-7, BAM and BARC-10 at intake and every 14 days in IOP, monthly in aftercare;
AUDIT-C and DAST-10 at intake; the C-SSRS screener at intake and whenever a safety screen is
positive (PHQ-9 item 9 above 0).
"""

from __future__ import annotations

from dataclasses import dataclass


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
    Rule("BAM", iop_every_days=14, aftercare_every_days=MONTH),
    Rule("BARC-10", iop_every_days=14, aftercare_every_days=MONTH),
    Rule("AUDIT-C"),
    Rule("DAST-10"),
    Rule("C-SSRS-SCREEN", after_safety_positive=True),
)


def rules_from_rows(rows) -> list[Rule]:
    return [
        Rule(
            instrument=row.instrument,
            at_intake=row.at_intake,
            iop_every_days=row.iop_every_days,
            aftercare_every_days=row.aftercare_every_days,
            after_safety_positive=row.after_safety_positive,
        )
        for row in rows
    ]
