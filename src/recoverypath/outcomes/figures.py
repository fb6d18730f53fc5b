"""The outcome figures, as pure functions over one row of facts per client, so each number is
checkable by hand. Every rate carries its numerator and denominator; a rate with no denominator
is None (shown as "-"), never 0.

Definitions (a period [start, end] of local days, one program):
- IOP retention at N days: of IOP admissions in the period whose day N has passed by `end`, the
  share still in IOP on day N (episode not ended before start + N).
- Aftercare retention at N days: the same over aftercare episodes started in the period.
- Completion vs early discharge: every IOP episode that ended in the period: graduated (the
  discharge plan graduated) or early (any other end).
- Connection to aftercare: every IOP discharge in the period (graduates and early discharges):
  days from the last attended IOP session (the discharge day when none) to the first attended
  aftercare contact on or after it; within 7 and within 30 days; no contact counts as not
  connected.
- Score change: per instrument, the intake score (first in the IOP episode's first 14 days, or
  the 30 days before it) against the score nearest discharge (last within the 14 days before the
  discharge day, up to that day), at 3 months (days 60-120 after) and 6 months (150-210): the
  share with a reliable improvement (a fall of at least the instrument's threshold, where one is
  given) and the mean change.
- Check-in engagement: days with a check-in / days enrolled in the period.
- Lapses per 100 client-months: lapses in the period / (days enrolled / 30.436875) x 100.
- Testing: compliance = tests given / tests asked for; positivity = positive (or not valid)
  / tests resulted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

DAYS_PER_MONTH = Fraction(3652425, 120000)  # 30.436875
# Reliable improvement thresholds (fall in total score), per CLINICAL.md; none given for BAM
# and BARC-10 (their rows report the mean change only).
RELIABLE_FALL = {"phq9": 6, "gad7": 4}
# BARC-10 counts recovery capital: higher is better, so its change is read as a rise.
HIGHER_IS_BETTER = {"barc10"}
INSTRUMENTS = ("phq9", "gad7", "bam", "barc10")
FOLLOW_UPS = {"discharge": None, "3 months": (60, 120), "6 months": (150, 210)}


@dataclass
class ClientFacts:
    client_id: int
    iop_start: date | None = None
    iop_end: date | None = None  # None: still in IOP
    graduated: bool = False
    aftercare_start: date | None = None
    aftercare_end: date | None = None
    last_iop_session: date | None = None
    aftercare_contacts: list[date] = field(default_factory=list)
    scores: dict[str, list[tuple[date, int]]] = field(default_factory=dict)
    enrolled_days: int = 0
    check_in_days: int = 0
    lapses: int = 0
    tests_asked: int = 0
    tests_given: int = 0
    tests_resulted: int = 0
    tests_positive: int = 0


@dataclass(frozen=True)
class Rate:
    label: str
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def percent(self) -> str:
        return "-" if self.value is None else f"{100 * self.value:.1f}%"


@dataclass(frozen=True)
class ScoreChange:
    instrument: str
    when: str
    clients: int
    improved: int | None  # None: no reliable-change threshold for this instrument
    mean_change: float | None  # later minus intake (a fall is negative)

    @property
    def improved_rate(self) -> Rate | None:
        if self.improved is None:
            return None
        return Rate(
            f"{self.instrument} reliable improvement ({self.when})", self.improved, self.clients
        )


@dataclass
class Figures:
    start: date
    end: date
    retention: list[Rate]
    completion: list[Rate]
    connection: list[Rate]
    median_days_to_aftercare: float | None
    score_changes: list[ScoreChange]
    check_in_engagement: Rate
    lapses: int
    client_months: Fraction
    testing: list[Rate]

    @property
    def lapses_per_100_client_months(self) -> float | None:
        if not self.client_months:
            return None
        return float(Fraction(self.lapses) / self.client_months * 100)


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _still_in(
    spans: list[tuple[date | None, date | None]], start: date, end: date, days: int
) -> tuple[int, int]:
    """(kept, eligible) over episode spans: eligible when started in the period with day
    `days` by `end`; kept when not ended before that day."""
    eligible = kept = 0
    for first, last in spans:
        if first is None or not _in(first, start, end) or first + timedelta(days) > end:
            continue
        eligible += 1
        if last is None or last >= first + timedelta(days):
            kept += 1
    return kept, eligible


def retention(facts: list[ClientFacts], start: date, end: date) -> list[Rate]:
    iop = [(f.iop_start, f.iop_end) for f in facts]
    aftercare = [(f.aftercare_start, f.aftercare_end) for f in facts]
    out = []
    for days in (30, 90):
        kept, eligible = _still_in(iop, start, end, days)
        out.append(Rate(f"In IOP at day {days}", kept, eligible))
    kept, eligible = _still_in(aftercare, start, end, 90)
    out.append(Rate("In aftercare at day 90", kept, eligible))
    return out


def discharges(facts: list[ClientFacts], start: date, end: date) -> list[ClientFacts]:
    return [f for f in facts if _in(f.iop_end, start, end)]


def completion(facts: list[ClientFacts], start: date, end: date) -> list[Rate]:
    ended = discharges(facts, start, end)
    graduated = sum(1 for f in ended if f.graduated)
    return [
        Rate("Completed IOP (graduated)", graduated, len(ended)),
        Rate("Early discharge", len(ended) - graduated, len(ended)),
    ]


def days_to_aftercare(f: ClientFacts) -> int | None:
    anchor = f.last_iop_session or f.iop_end
    if anchor is None:
        return None
    after = [d for d in f.aftercare_contacts if d >= anchor]
    return (min(after) - anchor).days if after else None


def connection(facts: list[ClientFacts], start: date, end: date) -> tuple[list[Rate], float | None]:
    ended = discharges(facts, start, end)
    gaps = [days_to_aftercare(f) for f in ended]
    rates = [
        Rate(
            f"First aftercare contact within {n} days",
            sum(1 for g in gaps if g is not None and g <= n),
            len(ended),
        )
        for n in (7, 30)
    ]
    known = sorted(g for g in gaps if g is not None)
    median = None
    if known:
        mid = len(known) // 2
        median = float(known[mid]) if len(known) % 2 else (known[mid - 1] + known[mid]) / 2
    return rates, median


def _intake(f: ClientFacts, series: list[tuple[date, int]]) -> int | None:
    if f.iop_start is None:
        return None
    window = [
        (d, s) for d, s in series if f.iop_start - timedelta(30) <= d <= f.iop_start + timedelta(14)
    ]
    return min(window)[1] if window else None


def _later(f: ClientFacts, series: list[tuple[date, int]], when: str) -> int | None:
    if f.iop_end is None:
        return None
    bounds = FOLLOW_UPS[when]
    if bounds is None:
        window = [(d, s) for d, s in series if f.iop_end - timedelta(14) <= d <= f.iop_end]
        return max(window)[1] if window else None
    low, high = f.iop_end + timedelta(bounds[0]), f.iop_end + timedelta(bounds[1])
    window = [(d, s) for d, s in series if low <= d <= high]
    return max(window)[1] if window else None


def score_changes(facts: list[ClientFacts], start: date, end: date) -> list[ScoreChange]:
    out = []
    ended = discharges(facts, start, end)
    for instrument in INSTRUMENTS:
        for when in FOLLOW_UPS:
            pairs = []
            for f in ended:
                series = sorted(f.scores.get(instrument, []))
                first, later = _intake(f, series), _later(f, series, when)
                if first is not None and later is not None:
                    pairs.append((first, later))
            threshold = RELIABLE_FALL.get(instrument)
            improved = None
            if threshold is not None:
                improved = sum(1 for a, b in pairs if a - b >= threshold)
            mean = sum(b - a for a, b in pairs) / len(pairs) if pairs else None
            out.append(ScoreChange(instrument, when, len(pairs), improved, mean))
    return out


def compute(facts: list[ClientFacts], start: date, end: date) -> Figures:
    rates, median = connection(facts, start, end)
    enrolled = sum(f.enrolled_days for f in facts)
    return Figures(
        start=start,
        end=end,
        retention=retention(facts, start, end),
        completion=completion(facts, start, end),
        connection=rates,
        median_days_to_aftercare=median,
        score_changes=score_changes(facts, start, end),
        check_in_engagement=Rate(
            "Days with a check-in", sum(f.check_in_days for f in facts), enrolled
        ),
        lapses=sum(f.lapses for f in facts),
        client_months=Fraction(enrolled) / DAYS_PER_MONTH,
        testing=[
            Rate(
                "Tests given of tests asked for",
                sum(f.tests_given for f in facts),
                sum(f.tests_asked for f in facts),
            ),
            Rate(
                "Positive of tests resulted",
                sum(f.tests_positive for f in facts),
                sum(f.tests_resulted for f in facts),
            ),
        ],
    )
