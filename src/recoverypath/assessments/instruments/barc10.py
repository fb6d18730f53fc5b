"""BARC-10, Brief Assessment of Recovery Capital (Vilsaint et al. 2017). CLINICAL.md."""

from __future__ import annotations

from .base import Band, Instrument, Item, Option, Score, ScoringContext, sum_bands

AGREEMENT = (
    Option(1, "Strongly disagree"),
    Option(2, "Disagree"),
    Option(3, "Somewhat disagree"),
    Option(4, "Somewhat agree"),
    Option(5, "Agree"),
    Option(6, "Strongly agree"),
)

_TEXTS = (
    "There are more important things to me in life than using substances.",
    "In general I am happy with my life.",
    "I have enough energy to complete the tasks I set for myself.",
    "I am proud of the community I live in and feel a part of it.",
    "I get lots of support from friends.",
    "I regard my life as challenging and fulfilling without the need for using drugs or alcohol.",
    "My living space has helped to drive my recovery journey.",
    "I take full responsibility for my actions.",
    "I am happy dealing with a range of professional people.",
    "I am making good progress on my recovery journey.",
)

THRESHOLD = 47
# Higher recovery capital is better, so "below" is the worse band.
BANDS = (
    Band("below_threshold", "Below 47", 10, THRESHOLD - 1, 1),
    Band("meets_threshold", "47 or more", THRESHOLD, 60, 0),
)


def score(answers, context: ScoringContext) -> Score:
    total = sum(answers)
    return Score(total, sum_bands(total, BANDS), {}, [], INSTRUMENT.scoring_version)


INSTRUMENT = Instrument(
    code="BARC-10",
    name="Brief Assessment of Recovery Capital (BARC-10)",
    short_name="Recovery capital (BARC-10)",
    instructions="How much do you agree with each statement?",
    items=tuple(
        Item(number, text, options=AGREEMENT) for number, text in enumerate(_TEXTS, start=1)
    ),
    scorer=score,
    scoring_version="BARC-10/1",
    source="Vilsaint et al. 2017",
    bands=BANDS,
    total_range=(10, 60),
    higher_is_worse=False,
    band_note="A total of 47 or more predicted sustained remission in the validation study.",
)
