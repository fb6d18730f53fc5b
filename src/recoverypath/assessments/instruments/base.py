"""The shape every instrument definition takes, and the shared answer checks.

An instrument is data (items, answer options, bands, codes) plus one scoring function. Answers are
stored raw, exactly as given; `validate` refuses anything that is not a complete, in-range answer
list, naming the item, and `score` derives total, band, subscales and flags under a named
`scoring_version` so a stored score can be recomputed and audited (CLINICAL.md, opening rules).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

# Kinds of answer an item takes.
CHOICE = "choice"  # an integer: the points of the option chosen
BOOLEAN = "boolean"  # true = "yes"
DAYS = "days"  # raw days in the past 30 (0-30)
DAYS_BY_DRUG = "days_by_drug"  # an object of raw days per sub-item key, or null

MAX_DAYS = 30


@dataclass(frozen=True)
class Option:
    value: int | bool
    label: str
    loinc: str = ""


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    kind: str = CHOICE
    options: tuple[Option, ...] = ()
    loinc: str = ""
    # Sub-items of a DAYS_BY_DRUG entry: ((key, label), ...)
    parts: tuple[tuple[str, str], ...] = ()
    # Skip rule: asked only when item `asked_if[0]` was answered `asked_if[1]`.
    asked_if: tuple[int, Any] | None = None
    # An item that may be left unanswered (null) even when asked, e.g. BAM item 7.
    optional: bool = False
    # An item that need not be asked when item `skippable_if[0]` was answered
    # `skippable_if[1]` (AUDIT-C items 2 and 3 after "Never"): then null is accepted and the
    # scorer counts it as 0. Unlike `asked_if`, an answer is still accepted; the instrument's
    # consistency rule says which answers agree with the earlier one.
    skippable_if: tuple[int, Any] | None = None

    @property
    def label(self) -> str:
        return f"item {self.number}"

    def may_skip(self, answers: Sequence[Any]) -> bool:
        if self.skippable_if is None:
            return False
        number, wanted = self.skippable_if
        given = answers[number - 1] if number - 1 < len(answers) else None
        return given == wanted and type(given) is type(wanted)

    def is_asked(self, answers: Sequence[Any]) -> bool:
        if self.asked_if is None:
            return True
        number, wanted = self.asked_if
        given = answers[number - 1] if number - 1 < len(answers) else None
        return given == wanted and type(given) is type(wanted)

    @property
    def skip_reason(self) -> str:
        if self.asked_if is None:
            return ""
        number, wanted = self.asked_if
        word = {True: "no", False: "yes"}.get(wanted, f"not {wanted}")
        return f"item {number} is {word}"

    def option_values(self) -> list[int | bool]:
        return [o.value for o in self.options]

    def option_label(self, value: Any) -> str:
        for option in self.options:
            if option.value == value and type(option.value) is type(value):
                return option.label
        if self.kind == DAYS and isinstance(value, int):
            return f"{value} day{'s' if value != 1 else ''}"
        return "" if value is None else str(value)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"number": self.number, "text": self.text, "kind": self.kind}
        if self.options:
            data["options"] = [
                {"value": o.value, "label": o.label, **({"loinc": o.loinc} if o.loinc else {})}
                for o in self.options
            ]
        if self.kind == DAYS:
            data["min"], data["max"] = 0, MAX_DAYS
        if self.parts:
            data["parts"] = [{"key": k, "label": label} for k, label in self.parts]
        if self.loinc:
            data["loinc"] = self.loinc
        if self.asked_if is not None:
            data["asked_if"] = {"item": self.asked_if[0], "answer": self.asked_if[1]}
        if self.optional:
            data["optional"] = True
        if self.skippable_if is not None:
            data["skippable_if"] = {"item": self.skippable_if[0], "answer": self.skippable_if[1]}
        return data


@dataclass(frozen=True)
class Band:
    """A score range, inclusive at the lower edge (CLINICAL.md general rules)."""

    name: str
    label: str
    lower: int
    upper: int
    severity: int = 0  # ordering for sorting the caseload: higher is worse


@dataclass(frozen=True)
class Score:
    total: int | None
    band: str | None
    subscales: dict[str, int] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    scoring_version: str = ""


@dataclass(frozen=True)
class ScoringContext:
    """What about the person a cut-off may depend on."""

    sex_assigned_at_birth: str = "unknown"


@dataclass(frozen=True)
class ChangeRule:
    """CLINICAL.md's thresholds for change on an instrument where higher is worse."""

    reliable_improvement: int  # a fall of at least this many points
    response_fraction: float | None = None  # a fall of at least this share of the intake total
    remission_below: int | None = None  # a total below this


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    short_name: str
    instructions: str
    items: tuple[Item, ...]
    scorer: Callable[[Sequence[Any], ScoringContext], Score]
    scoring_version: str
    source: str = ""
    loinc_panel: str = ""
    loinc_total: str = ""
    bands: tuple[Band, ...] = ()
    total_range: tuple[int, int] | None = None
    higher_is_worse: bool = True
    change: ChangeRule | None = None
    # Subscales charted over time when there is no total (BAM).
    chart_series: tuple[str, ...] = ("total",)
    series_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    band_note: str = ""
    # Lines drawn on the trend chart: (value, label); by default each band's lower edge.
    thresholds: tuple[tuple[int, str], ...] = ()
    # Rules across items that the manual implies (BAM item 5 <= item 4, ...): called with a list
    # of answers that each passed their own item check; returns "item N: ..." messages.
    consistency: Callable[[list[Any]], list[str]] | None = None
    # The shortest gap between two administrations that keeps recall windows apart (the 30-day
    # BAM: 28 days). Schedules never make the instrument due sooner.
    min_interval_days: int | None = None

    def __str__(self) -> str:
        return self.code

    # ---- validation -------------------------------------------------------------------------
    def validate(self, answers: Any) -> list[Any]:
        """The answers as a list, or ValidationError({"answers": [...]}) naming every bad item."""
        if not isinstance(answers, list | tuple):
            raise ValidationError(
                {
                    "answers": [
                        f"must be a list of {len(self.items)} answers, items 1-"
                        f"{len(self.items)} in order"
                    ]
                }
            )
        answers = list(answers)
        errors: list[str] = []
        count = len(self.items)
        if len(answers) < count:
            missing = ", ".join(str(i) for i in range(len(answers) + 1, count + 1))
            errors.append(
                f"item {len(answers) + 1}: missing ({self.code} has {count} items, "
                f"{len(answers)} answer{'s' if len(answers) != 1 else ''} given; "
                f"unanswered: {missing})"
            )
        elif len(answers) > count:
            errors.append(
                f"item {count + 1}: {self.code} has only {count} items "
                f"({len(answers)} answers given)"
            )
        if errors:
            raise ValidationError({"answers": errors})
        for item, value in zip(self.items, answers, strict=True):
            message = self._check_item(item, value, answers)
            if message:
                errors.append(f"{item.label}: {message}")
        if not errors and self.consistency is not None:
            errors.extend(self.consistency(answers))
        if errors:
            raise ValidationError({"answers": errors})
        return answers

    def _check_item(self, item: Item, value: Any, answers: list[Any]) -> str:
        if not item.is_asked(answers):
            if value is not None:
                return f"not asked when {item.skip_reason}; send null"
            return ""
        if value is None:
            return "" if item.optional or item.may_skip(answers) else "an answer is required"
        if item.kind == BOOLEAN:
            return "" if isinstance(value, bool) else "must be true or false"
        if item.kind == CHOICE:
            values = item.option_values()
            if isinstance(value, bool) or not isinstance(value, int) or value not in values:
                return f"must be {min(values)}-{max(values)}"
            return ""
        if item.kind == DAYS:
            return "" if _is_days(value) else f"must be a number of days 0-{MAX_DAYS}"
        if item.kind == DAYS_BY_DRUG:
            if not isinstance(value, dict):
                return "must be an object of days per drug or null"
            keys = [k for k, _ in item.parts]
            for key, days in value.items():
                if key not in keys:
                    return f"unknown part {key!r} (expected {keys[0]}-{keys[-1]})"
                if not _is_days(days):
                    return f"{key} must be a number of days 0-{MAX_DAYS}"
            return ""
        return "cannot be answered"  # pragma: no cover - an unknown kind is a definition bug

    # ---- scoring ----------------------------------------------------------------------------
    def score(self, answers: Any, context: ScoringContext | None = None) -> Score:
        """Validate, then score. Raises ValidationError naming the item on a bad answer list."""
        valid = self.validate(answers)
        return self.scorer(valid, context or ScoringContext())

    def band_for(self, total: int | None) -> Band | None:
        if total is None:
            return None
        for band in self.bands:
            if band.lower <= total <= band.upper:
                return band
        return None

    def chart_thresholds(self) -> list[tuple[int, str]]:
        if self.thresholds:
            return list(self.thresholds)
        low = self.total_range[0] if self.total_range else 0
        return [(b.lower, b.label) for b in self.bands if b.lower > low]

    def band_label(self, name: str | None) -> str:
        for band in self.bands:
            if band.name == name:
                return band.label
        return (name or "").replace("_", " ")

    def band_severity(self, name: str | None) -> int:
        for band in self.bands:
            if band.name == name:
                return band.severity
        return -1

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "instructions": self.instructions,
            "scoring_version": self.scoring_version,
            "items": [item.to_dict() for item in self.items],
            "bands": [
                {"name": b.name, "label": b.label, "lower": b.lower, "upper": b.upper}
                for b in self.bands
            ],
            "total_range": list(self.total_range) if self.total_range else None,
            "source": self.source,
        }
        if self.loinc_panel:
            data["loinc_panel"] = self.loinc_panel
        if self.loinc_total:
            data["loinc_total"] = self.loinc_total
        if self.band_note:
            data["band_note"] = self.band_note
        return data


def _is_days(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS


def sum_bands(total: int, bands: Sequence[Band]) -> str:
    for band in bands:
        if band.lower <= total <= band.upper:
            return band.name
    raise ValueError(f"no band holds {total}")  # a definition bug, never an input error
