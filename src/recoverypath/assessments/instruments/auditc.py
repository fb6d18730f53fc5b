"""AUDIT-C (WHO AUDIT items 1-3; US cut-offs per Bradley et al.). CLINICAL.md, "AUDIT-C".

The panel and item 1 LOINC codes are not confirmed in CLINICAL.md, so they are left out.
"""

from __future__ import annotations

from .base import Band, Instrument, Item, Option, Score, ScoringContext

ITEMS = (
    Item(
        1,
        "How often do you have a drink containing alcohol?",
        options=(
            Option(0, "Never"),
            Option(1, "Monthly or less"),
            Option(2, "2-4 times a month"),
            Option(3, "2-3 times a week"),
            Option(4, "4 or more times a week"),
        ),
    ),
    Item(
        2,
        "How many standard drinks containing alcohol do you have on a typical day?",
        options=(
            Option(0, "1 or 2"),
            Option(1, "3 or 4"),
            Option(2, "5 or 6"),
            Option(3, "7 to 9"),
            Option(4, "10 or more"),
        ),
        loinc="68519-8",
        skippable_if=(1, 0),
    ),
    Item(
        3,
        "How often do you have six or more drinks on one occasion?",
        options=(
            Option(0, "Never"),
            Option(1, "Less than monthly"),
            Option(2, "Monthly"),
            Option(3, "Weekly"),
            Option(4, "Daily or almost daily"),
        ),
        loinc="68520-6",
        skippable_if=(1, 0),
    ),
)

# Positive at or above: men 4, women 3, not recorded 3.
CUT_OFFS = {"male": 4, "female": 3, "unknown": 3}

# The band depends on sex as well as the total, so these name the bands but do not bound them.
BANDS = (
    Band("negative", "Negative", 0, 12, 0),
    Band("positive", "Positive", 0, 12, 1),
)
THRESHOLDS = ((3, "positive: women, not recorded"), (4, "positive: men"))


def cut_off(sex_assigned_at_birth: str) -> int:
    return CUT_OFFS.get(sex_assigned_at_birth or "unknown", CUT_OFFS["unknown"])


def consistency(answers) -> list[str]:
    """Q1 "Never" (no drinking) means Q2 and Q3 score 0 or are not asked: a person who never
    drinks has no typical drinking day and no occasion of six or more drinks. The WHO AUDIT
    manual has the interviewer skip to the later questions after "Never"."""
    if answers[0] != 0:
        return []
    return [
        f"item {number}: must be 0 or not asked when item 1 is Never (no drinking)"
        for number in (2, 3)
        if answers[number - 1] not in (None, 0)
    ]


def score(answers, context: ScoringContext) -> Score:
    points = [answer or 0 for answer in answers]  # a question not asked after "Never" scores 0
    total = sum(points)
    band = "positive" if total >= cut_off(context.sex_assigned_at_birth) else "negative"
    flags = ["q1_only"] if total > 0 and points[1] == 0 and points[2] == 0 else []
    return Score(total, band, {}, flags, INSTRUMENT.scoring_version)


INSTRUMENT = Instrument(
    code="AUDIT-C",
    name="Alcohol Use Disorders Identification Test - Consumption (AUDIT-C)",
    short_name="Alcohol (AUDIT-C)",
    instructions="Think about your drinking over the past year.",
    items=ITEMS,
    scorer=score,
    scoring_version="AUDIT-C/1",
    source="WHO AUDIT items 1-3; US cut-offs per Bradley et al.",
    loinc_total="75626-2",
    bands=BANDS,
    total_range=(0, 12),
    thresholds=THRESHOLDS,
    consistency=consistency,
    band_note="Positive at 4 or more for men, 3 or more for women and when sex assigned at birth "
    "is not recorded.",
)
