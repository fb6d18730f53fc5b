"""GAD-7 (Spitzer et al. 2006). CLINICAL.md, "GAD-7"."""

from __future__ import annotations

from .base import Band, ChangeRule, Instrument, Item, Score, ScoringContext, sum_bands
from .phq9 import FREQUENCY

_TEXTS = (
    ("Feeling nervous, anxious, or on edge", "69725-0"),
    ("Not being able to stop or control worrying", "68509-9"),
    ("Worrying too much about different things", "69733-4"),
    ("Trouble relaxing", "69734-2"),
    ("Being so restless that it is hard to sit still", "69735-9"),
    ("Becoming easily annoyed or irritable", "69689-8"),
    ("Feeling afraid as if something awful might happen", "69736-7"),
)

BANDS = (
    Band("minimal", "Minimal", 0, 4, 0),
    Band("mild", "Mild", 5, 9, 1),
    Band("moderate", "Moderate", 10, 14, 2),
    Band("severe", "Severe", 15, 21, 3),
)


def score(answers, context: ScoringContext) -> Score:
    total = sum(answers)
    return Score(total, sum_bands(total, BANDS), {}, [], INSTRUMENT.scoring_version)


INSTRUMENT = Instrument(
    code="GAD-7",
    name="Generalized Anxiety Disorder scale (GAD-7)",
    short_name="Anxiety (GAD-7)",
    instructions="Over the last 2 weeks, how often have you been bothered by the following "
    "problems?",
    items=tuple(
        Item(number, text, options=FREQUENCY, loinc=loinc)
        for number, (text, loinc) in enumerate(_TEXTS, start=1)
    ),
    scorer=score,
    scoring_version="GAD-7/1",
    source="Spitzer et al. 2006",
    loinc_panel="69737-5",
    loinc_total="70274-6",
    bands=BANDS,
    total_range=(0, 21),
    change=ChangeRule(reliable_improvement=4),
)
