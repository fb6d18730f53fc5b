"""DAST-10 (Skinner 1982; check licensing before commercial distribution). CLINICAL.md."""

from __future__ import annotations

from .base import BOOLEAN, Band, Instrument, Item, Option, Score, ScoringContext, sum_bands

YES_NO = (Option(True, "Yes"), Option(False, "No"))

_TEXTS = (
    "Have you used drugs other than those required for medical reasons?",
    "Do you abuse more than one drug at a time?",
    "Are you always able to stop using drugs when you want to?",
    "Have you had blackouts or flashbacks as a result of drug use?",
    "Do you ever feel bad or guilty about your drug use?",
    "Does your spouse (or parents) ever complain about your involvement with drugs?",
    "Have you neglected your family because of your use of drugs?",
    "Have you engaged in illegal activities in order to obtain drugs?",
    "Have you ever experienced withdrawal symptoms (felt sick) when you stopped taking drugs?",
    "Have you had medical problems as a result of your drug use (e.g. memory loss, hepatitis, "
    "convulsions, bleeding)?",
)

# Item 3 is reverse-scored: "no" scores the point.
REVERSED_ITEMS = frozenset({3})

BANDS = (
    Band("none", "No problems reported", 0, 0, 0),
    Band("low", "Low", 1, 2, 1),
    Band("moderate", "Moderate", 3, 5, 2),
    Band("substantial", "Substantial", 6, 8, 3),
    Band("severe", "Severe", 9, 10, 4),
)


def score(answers, context: ScoringContext) -> Score:
    total = sum(
        (not answer) if number in REVERSED_ITEMS else answer
        for number, answer in enumerate(answers, start=1)
    )
    return Score(total, sum_bands(total, BANDS), {}, [], INSTRUMENT.scoring_version)


INSTRUMENT = Instrument(
    code="DAST-10",
    name="Drug Abuse Screening Test (DAST-10)",
    short_name="Drug use (DAST-10)",
    instructions="In the past 12 months (not counting alcohol or tobacco):",
    items=tuple(
        Item(number, text, kind=BOOLEAN, options=YES_NO)
        for number, text in enumerate(_TEXTS, start=1)
    ),
    scorer=score,
    scoring_version="DAST-10/1",
    source="Skinner 1982",
    bands=BANDS,
    total_range=(0, 10),
)
