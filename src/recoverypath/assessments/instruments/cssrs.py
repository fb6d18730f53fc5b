"""C-SSRS screener, "recent" version (Columbia). CLINICAL.md, "C-SSRS screener".

Triage is the highest level reached: high when 4 or 5 is yes, or 6 yes within 3 months; moderate
when 3 is yes, or 6 yes more than 3 months ago; low when only 1 and/or 2 are yes; none when all
are no. Items 3-5 are asked only when 2 is yes; entry 7 (was it within the past 3 months?) only
when 6 is yes. Answers to items not asked are refused.
"""

from __future__ import annotations

from .base import BOOLEAN, Band, Instrument, Item, Option, Score, ScoringContext

YES_NO = (Option(True, "Yes"), Option(False, "No"))


_IF_2 = (2, True)

ITEMS = (
    Item(
        1,
        "In the past month, have you wished you were dead or wished you could go to sleep "
        "and not wake up?",
        kind=BOOLEAN,
        options=YES_NO,
    ),
    Item(
        2,
        "In the past month, have you actually had any thoughts of killing yourself?",
        kind=BOOLEAN,
        options=YES_NO,
    ),
    Item(
        3,
        "Have you been thinking about how you might do this?",
        kind=BOOLEAN,
        options=YES_NO,
        asked_if=_IF_2,
    ),
    Item(
        4,
        "Have you had these thoughts and had some intention of acting on them?",
        kind=BOOLEAN,
        options=YES_NO,
        asked_if=_IF_2,
    ),
    Item(
        5,
        "Have you started to work out or worked out the details of how to kill yourself? "
        "Do you intend to carry out this plan?",
        kind=BOOLEAN,
        options=YES_NO,
        asked_if=_IF_2,
    ),
    Item(
        6,
        "Have you ever done anything, started to do anything, or prepared to do anything to "
        "end your life?",
        kind=BOOLEAN,
        options=YES_NO,
    ),
    Item(
        7,
        "Was this within the past 3 months?",
        kind=BOOLEAN,
        options=YES_NO,
        asked_if=(6, True),
    ),
)

BANDS = (
    Band("none", "No risk identified", 0, 0, 0),
    Band("low", "Low risk", 1, 1, 1),
    Band("moderate", "Moderate risk", 2, 2, 2),
    Band("high", "High risk", 3, 3, 3),
)
RISK_LEVELS = ("none", "low", "moderate", "high")


def triage(answers) -> str:
    wish, thoughts, method, intent, plan, behaviour, recent = answers
    if intent is True or plan is True or (behaviour is True and recent is True):
        return "high"
    if method is True or (behaviour is True and recent is False):
        return "moderate"
    if wish is True or thoughts is True:
        return "low"
    return "none"


def score(answers, context: ScoringContext) -> Score:
    band = triage(answers)
    flags = ["safety"] if band in ("moderate", "high") else []
    return Score(None, band, {}, flags, INSTRUMENT.scoring_version)


INSTRUMENT = Instrument(
    code="C-SSRS-SCREEN",
    name="Columbia Suicide Severity Rating Scale, screener (recent)",
    short_name="Safety screener (C-SSRS)",
    instructions="Please answer yes or no. If you are in danger right now, call or text 988, "
    "or call 911.",
    items=ITEMS,
    scorer=score,
    scoring_version="C-SSRS-SCREEN/1",
    source="Columbia Lighthouse Project, screener (recent)",
    bands=BANDS,
    total_range=None,
    chart_series=("risk",),
    series_ranges={"risk": (0, 3)},
)
