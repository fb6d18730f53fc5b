"""The IOP admission check: the four placement questions of CLINICAL.md "Levels of care".

`placement_check(answers)` returns the warnings (each with its reason and the level that fits);
an empty list means IOP fits. A clinician may still enroll with a written override reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from . import levels


@dataclass(frozen=True)
class PlacementQuestion:
    name: str
    text: str
    warn_when: bool  # the answer that means IOP is not the right level
    reason: str
    suggested_level: str
    suggestion: str


QUESTIONS: tuple[PlacementQuestion, ...] = (
    PlacementQuestion(
        "needs_withdrawal_management",
        "Does the person need medically managed withdrawal (detox)?",
        True,
        "Needs withdrawal management, which IOP does not provide; that level comes first.",
        "3.7",
        "Medically managed residential withdrawal management (3.7) before IOP.",
    ),
    PlacementQuestion(
        "living_environment_unsafe",
        "Is the living environment unsafe for recovery?",
        True,
        "The living environment is unsafe for recovery.",
        "3.1",
        "Clinically managed low-intensity residential (3.1), or IOP with sober living.",
    ),
    PlacementQuestion(
        "acute_safety_risk",
        "Is there an acute safety risk (to self or others)?",
        True,
        "Acute safety risk needs an evaluation before IOP.",
        "4.0",
        "Crisis evaluation now; medically managed inpatient (4.0) if admitted.",
    ),
    PlacementQuestion(
        "can_attend_hours",
        "Can the person attend the program's hours each week?",
        False,
        "Cannot attend the program's weekly hours.",
        "1.5",
        "Outpatient therapy (1.5) until the hours can be attended.",
    ),
)
QUESTION_NAMES = tuple(q.name for q in QUESTIONS)


@dataclass(frozen=True)
class PlacementWarning:
    question: str
    reason: str
    suggested_level: str
    suggestion: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def placement_check(answers: dict[str, bool]) -> list[PlacementWarning]:
    """Warnings for the answers given, most intensive suggestion first. Missing answers raise
    KeyError: callers validate that all four were answered."""
    warnings = [
        PlacementWarning(q.name, q.reason, q.suggested_level, q.suggestion)
        for q in QUESTIONS
        if bool(answers[q.name]) is q.warn_when
    ]
    return sorted(warnings, key=lambda w: -_rank(w.suggested_level))


def placement_suggested_level(warnings: list[PlacementWarning]) -> str | None:
    """The one level that fits all the warnings: the most intensive suggested."""
    return warnings[0].suggested_level if warnings else None


def _rank(code: str) -> int:
    level = levels.level_get(code)
    return level.rank if level else 0
