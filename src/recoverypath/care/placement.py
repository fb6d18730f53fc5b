"""The IOP admission check: the placement questions of CLINICAL.md "Levels of care".

`placement_check(answers, edition=)` returns the warnings (each with its reason and the level that
fits, named in the episode's ASAM edition); an empty list means IOP fits. A clinician may still
enroll with a written override reason. Every move into an IOP level runs it (care.services).

Withdrawal management. CLINICAL.md says only that a person who needs withdrawal management needs a
level that provides it first; which level is the ASAM Criteria's Dimension 1 (withdrawal
potential), which CLINICAL.md does not spell out:
- 3rd edition (2013): five adult withdrawal management levels, 1-WM and 2-WM ambulatory (without
  and with extended on-site monitoring), 3.2-WM clinically managed residential, 3.7-WM medically
  monitored inpatient, 4-WM medically managed intensive inpatient.
- 4th edition (2023): withdrawal management is part of the medically managed levels 1.7, 2.7,
  3.7 and 4.0 instead of separate WM levels.
Ambulatory withdrawal management fits when withdrawal is not expected to be severe or complicated
and no condition needs 24-hour nursing or medical monitoring (ASAM: the risk of severe withdrawal,
e.g. a history of withdrawal seizures or delirium, is what calls for a 24-hour setting). So the
check suggests 2.7 (4th) / 2-WM (3rd) unless the follow-up question says 24-hour care is needed,
and only then 3.7 / 3.7-WM. A living environment that cannot support ambulatory withdrawal
(someone to check in, a safe place to go home to) is the separate "living environment" question;
in the 3rd edition that person fits 3.2-WM, clinically managed residential withdrawal management
(24-hour support without medical monitoring); the 4th edition names no clinically managed WM
level, so there the residential level that manages withdrawal is 3.7.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from . import levels

# The one message for a placement question left unanswered, shown by the forms and raised by the
# services (so a caller that skips the form meets the same words).
MISSING_ANSWER = "Answer this placement question for IOP."


@dataclass(frozen=True)
class PlacementQuestion:
    name: str
    text: str
    # Asked only when another question was answered this way: (name, answer).
    asked_if: tuple[str, bool] | None = None


QUESTIONS: tuple[PlacementQuestion, ...] = (
    PlacementQuestion(
        "needs_withdrawal_management",
        "Does the person need medically managed withdrawal (detox)?",
    ),
    PlacementQuestion(
        "withdrawal_needs_24h_care",
        "If so, does withdrawal need 24-hour care: severe or complicated withdrawal expected "
        "(past withdrawal seizures or delirium tremens, severe symptoms now) or a medical or "
        "psychiatric condition needing round-the-clock monitoring?",
        asked_if=("needs_withdrawal_management", True),
    ),
    PlacementQuestion(
        "living_environment_unsafe",
        "Is the living environment unsafe for recovery?",
    ),
    PlacementQuestion(
        "acute_safety_risk",
        "Is there an acute safety risk (to self or others)?",
    ),
    PlacementQuestion(
        "can_attend_hours",
        "Can the person attend the program's hours each week?",
    ),
)
QUESTION_NAMES = tuple(q.name for q in QUESTIONS)

# Suggested level per edition for each situation (codes exist in care.levels for that edition).
_SUGGEST = {
    "wm_ambulatory": {"4": "2.7", "3": "2-WM"},
    "wm_clinically_managed_residential": {"4": "3.7", "3": "3.2-WM"},
    "wm_medically_monitored_residential": {"4": "3.7", "3": "3.7-WM"},
    "residential": {"4": "3.1", "3": "3.1"},
    "inpatient": {"4": "4.0", "3": "4"},
    "outpatient": {"4": "1.5", "3": "1"},
}


@dataclass(frozen=True)
class PlacementWarning:
    question: str
    reason: str
    suggested_level: str
    suggestion: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def placement_questions_asked(answers: dict[str, Any]) -> list[PlacementQuestion]:
    """The questions asked given the answers so far (the follow-up only after a yes)."""
    return [
        q for q in QUESTIONS if q.asked_if is None or answers.get(q.asked_if[0]) is q.asked_if[1]
    ]


def placement_missing(answers: dict[str, Any] | None) -> list[str]:
    """Names of the asked questions without a yes/no answer (all of them when answers is None)."""
    answers = answers or {}
    return [q.name for q in placement_questions_asked(answers) if answers.get(q.name) is None]


def _label(code: str, edition: str) -> str:
    level = levels.level_get(code, edition)
    return level.label if level else code


def placement_check(answers: dict[str, bool], edition: str = "4") -> list[PlacementWarning]:
    """Warnings for the answers given, most intensive suggestion first. Callers first check
    `placement_missing(answers)` is empty; a missing asked answer raises KeyError."""
    edition = edition if edition in ("3", "4") else levels.DEFAULT_EDITION

    def suggest(kind: str) -> str:
        return _SUGGEST[kind][edition]

    warnings: list[PlacementWarning] = []
    if answers["needs_withdrawal_management"]:
        if answers["withdrawal_needs_24h_care"]:
            code = suggest("wm_medically_monitored_residential")
            warnings.append(
                PlacementWarning(
                    "needs_withdrawal_management",
                    "Needs withdrawal management with 24-hour care, which IOP does not provide; "
                    "that level comes first.",
                    code,
                    f"Residential withdrawal management ({_label(code, edition)}) before IOP.",
                )
            )
        elif answers["living_environment_unsafe"]:
            code = suggest("wm_clinically_managed_residential")
            warnings.append(
                PlacementWarning(
                    "needs_withdrawal_management",
                    "Needs withdrawal management, and the living environment cannot support "
                    "withdrawing at home; IOP does not provide it.",
                    code,
                    f"Residential withdrawal management ({_label(code, edition)}) before IOP.",
                )
            )
        else:
            code = suggest("wm_ambulatory")
            warnings.append(
                PlacementWarning(
                    "needs_withdrawal_management",
                    "Needs withdrawal management, which IOP does not provide; the answers allow "
                    "it without a 24-hour setting.",
                    code,
                    f"Ambulatory withdrawal management ({_label(code, edition)}) first, then "
                    f"IOP; {'1-WM' if edition == '3' else '1.7'} may do when withdrawal is mild.",
                )
            )
    if answers["living_environment_unsafe"]:
        code = suggest("residential")
        warnings.append(
            PlacementWarning(
                "living_environment_unsafe",
                "The living environment is unsafe for recovery.",
                code,
                f"Clinically managed low-intensity residential ({code}), or IOP with sober living.",
            )
        )
    if answers["acute_safety_risk"]:
        code = suggest("inpatient")
        warnings.append(
            PlacementWarning(
                "acute_safety_risk",
                "Acute safety risk needs an evaluation before IOP.",
                code,
                f"Crisis evaluation now; medically managed inpatient ({code}) if admitted.",
            )
        )
    if not answers["can_attend_hours"]:
        code = suggest("outpatient")
        warnings.append(
            PlacementWarning(
                "can_attend_hours",
                "Cannot attend the program's weekly hours.",
                code,
                f"Outpatient therapy ({code}) until the hours can be attended.",
            )
        )
    return sorted(warnings, key=lambda w: -_rank(w.suggested_level, edition))


def placement_suggested_level(warnings: list[PlacementWarning]) -> str | None:
    """The one level that fits all the warnings: the most intensive suggested."""
    return warnings[0].suggested_level if warnings else None


def placement_clean(answers: dict[str, Any]) -> dict[str, bool]:
    """The asked answers as booleans (a follow-up not asked is left out)."""
    return {q.name: bool(answers[q.name]) for q in placement_questions_asked(answers)}


def _rank(code: str, edition: str) -> int:
    level = levels.level_get(code, edition)
    return level.rank if level else 0
