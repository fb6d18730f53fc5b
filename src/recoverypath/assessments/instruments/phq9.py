"""PHQ-9 (Kroenke, Spitzer, Williams 2001; public domain). CLINICAL.md, "PHQ-9"."""

from __future__ import annotations

from .base import Band, ChangeRule, Instrument, Item, Option, Score, ScoringContext, sum_bands

# LOINC answer list LL358-3.
FREQUENCY = (
    Option(0, "Not at all", "LA6568-5"),
    Option(1, "Several days", "LA6569-3"),
    Option(2, "More than half the days", "LA6570-1"),
    Option(3, "Nearly every day", "LA6571-9"),
)

_TEXTS = (
    ("Little interest or pleasure in doing things", "44250-9"),
    ("Feeling down, depressed, or hopeless", "44255-8"),
    ("Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    ("Feeling tired or having little energy", "44254-1"),
    ("Poor appetite or overeating", "44251-7"),
    (
        "Feeling bad about yourself, or that you are a failure or have let yourself or your "
        "family down",
        "44258-2",
    ),
    (
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    (
        "Moving or speaking so slowly that other people could have noticed, or the opposite, "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "44253-3",
    ),
    ("Thoughts that you would be better off dead, or of hurting yourself in some way", "44260-8"),
)

BANDS = (
    Band("minimal", "Minimal", 0, 4, 0),
    Band("mild", "Mild", 5, 9, 1),
    Band("moderate", "Moderate", 10, 14, 2),
    Band("moderately_severe", "Moderately severe", 15, 19, 3),
    Band("severe", "Severe", 20, 27, 4),
)

SELF_HARM_ITEM = 9


def score(answers, context: ScoringContext) -> Score:
    total = sum(answers)
    flags = ["self_harm"] if answers[SELF_HARM_ITEM - 1] >= 1 else []
    return Score(total, sum_bands(total, BANDS), {}, flags, INSTRUMENT.scoring_version)


INSTRUMENT = Instrument(
    code="PHQ-9",
    name="Patient Health Questionnaire (PHQ-9)",
    short_name="Depression (PHQ-9)",
    instructions="Over the last 2 weeks, how often have you been bothered by any of the "
    "following problems?",
    items=tuple(
        Item(number, text, options=FREQUENCY, loinc=loinc)
        for number, (text, loinc) in enumerate(_TEXTS, start=1)
    ),
    scorer=score,
    scoring_version="PHQ-9/1",
    source="Kroenke, Spitzer, Williams 2001; public domain",
    loinc_panel="44249-1",
    loinc_total="44261-6",
    bands=BANDS,
    total_range=(0, 27),
    change=ChangeRule(reliable_improvement=6, response_fraction=0.5, remission_below=5),
)
