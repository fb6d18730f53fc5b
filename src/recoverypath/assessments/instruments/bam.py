"""BAM, Brief Addiction Monitor (VA; Cacciola et al. 2013), 30-day version. CLINICAL.md, "BAM".

Day items are stored as raw days and coded into 0-4 before summing the subscales (VISN 4 MIRECC).
No item is reverse-scored. There is no total and no band; the clinically significant marks are a
vendor's guidance, shown as flags.
"""

from __future__ import annotations

from .base import DAYS, DAYS_BY_DRUG, Instrument, Item, Option, Score, ScoringContext

NOT_AT_ALL_TO_EXTREMELY = (
    Option(0, "Not at all"),
    Option(1, "Slightly"),
    Option(2, "Moderately"),
    Option(3, "Considerably"),
    Option(4, "Extremely"),
)

DRUGS = (
    ("7A", "Marijuana (cannabis, pot, weed)"),
    ("7B", "Sedatives/tranquilizers (e.g. benzos, Valium, Xanax, Ativan, Ambien, barbiturates)"),
    ("7C", "Cocaine/crack"),
    ("7D", "Other stimulants (e.g. amphetamine, methamphetamine, Dexedrine, Ritalin, Adderall)"),
    ("7E", "Opiates (e.g. heroin, morphine, Dilaudid, Demerol, oxycodone, Vicodin)"),
    ("7F", "Inhalants (glues, adhesives, nail polish remover, paint thinner, etc.)"),
    ("7G", "Other drugs (steroids, non-prescription sleep/diet pills, Benadryl, ephedra, etc.)"),
)

ITEMS = (
    Item(
        1,
        "In the past 30 days, would you say your physical health has been:",
        options=(
            Option(0, "Excellent"),
            Option(1, "Very good"),
            Option(2, "Good"),
            Option(3, "Fair"),
            Option(4, "Poor"),
        ),
    ),
    Item(
        2,
        "In the past 30 days, how many nights did you have trouble falling asleep or "
        "staying asleep?",
        kind=DAYS,
    ),
    Item(
        3,
        "In the past 30 days, how many days have you felt depressed, anxious, angry or very "
        "upset throughout most of the day?",
        kind=DAYS,
    ),
    Item(4, "In the past 30 days, how many days did you drink ANY alcohol?", kind=DAYS),
    Item(
        5,
        "In the past 30 days, how many days did you have at least 5 drinks (if you are a man) "
        "or at least 4 drinks (if you are a woman)?",
        kind=DAYS,
    ),
    Item(
        6,
        "In the past 30 days, how many days did you use any illegal/street drugs or abuse "
        "any prescription medications?",
        kind=DAYS,
    ),
    Item(
        7,
        "In the past 30 days, how many days did you use each of the following? (not scored)",
        kind=DAYS_BY_DRUG,
        parts=DRUGS,
        optional=True,
    ),
    Item(
        8,
        "In the past 30 days, how much were you bothered by cravings or urges to drink "
        "alcohol or use drugs?",
        options=NOT_AT_ALL_TO_EXTREMELY,
    ),
    Item(
        9,
        "How confident are you in your ability to be completely abstinent (clean) from "
        "alcohol and drugs in the next 30 days?",
        options=NOT_AT_ALL_TO_EXTREMELY,
    ),
    Item(
        10,
        "In the past 30 days, how many days did you attend self-help meetings like AA or "
        "NA to support your recovery?",
        kind=DAYS,
    ),
    Item(
        11,
        "In the past 30 days, how many days were you in any situations or with any people "
        "that might put you at an increased risk for using alcohol or drugs?",
        kind=DAYS,
    ),
    Item(
        12,
        "Does your religion or spirituality help support your recovery?",
        options=NOT_AT_ALL_TO_EXTREMELY,
    ),
    Item(
        13,
        "In the past 30 days, how many days did you spend much of the time at work, school, "
        "or doing volunteer work?",
        kind=DAYS,
    ),
    Item(
        14,
        "Do you have enough income (from legal sources) to pay for necessities such as "
        "housing, transportation, food and clothing for yourself and your dependents?",
        options=(Option(0, "No"), Option(4, "Yes")),
    ),
    Item(
        15,
        "In the past 30 days, how much have you been bothered by arguments or problems "
        "getting along with any family members or friends?",
        options=NOT_AT_ALL_TO_EXTREMELY,
    ),
    Item(
        16,
        "In the past 30 days, how many days were you in contact or spent time with any "
        "family members or friends who are supportive of your recovery?",
        kind=DAYS,
    ),
    Item(
        17,
        "How satisfied are you with your progress toward achieving your recovery goals?",
        options=NOT_AT_ALL_TO_EXTREMELY,
    ),
)

DAY_ITEMS = frozenset(item.number for item in ITEMS if item.kind == DAYS)
USE = (4, 5, 6)
RISK = (1, 2, 3, 8, 11, 15)
PROTECTIVE = (9, 10, 12, 13, 14, 16)
PROGRESS = 17


def code_days(days: int) -> int:
    """0 days -> 0, 1-3 -> 1, 4-8 -> 2, 9-15 -> 3, 16-30 -> 4."""
    if days <= 0:
        return 0
    if days <= 3:
        return 1
    if days <= 8:
        return 2
    if days <= 15:
        return 3
    return 4


def coded(answers) -> dict[int, int]:
    """Item number -> its 0-4 code, for every scored item (item 7 is not scored)."""
    out: dict[int, int] = {}
    for number, answer in enumerate(answers, start=1):
        if number == 7:
            continue
        out[number] = code_days(answer) if number in DAY_ITEMS else answer
    return out


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def consistency(answers) -> list[str]:
    """Rules the manual's wording implies across items, each refusal naming the item.

    - Item 5 (days with 5+/4+ drinks) counts a subset of item 4's drinking days: 5 <= 4.
    - Item 7 breaks item 6 (any drug use days) down by drug: the manual skips it to item 8 when
      item 6 is 0, and no drug can have been used on more days than any drug was, so each of
      7A-7G is <= item 6. (The parts may add up to more than item 6: several drugs on one day.)
    """
    errors: list[str] = []
    drinking, heavy, drug_days, by_drug = answers[3], answers[4], answers[5], answers[6]
    if heavy > drinking:
        errors.append(
            f"item 5: {_days(heavy)} of heavy drinking is more than the {_days(drinking)} of "
            f"any drinking in item 4"
        )
    for key, _label in DRUGS:
        days = (by_drug or {}).get(key)
        if not days:
            continue
        if drug_days == 0:
            errors.append(
                f"item 7: {key}: not asked when item 6 is 0 days of drug use; leave it empty "
                f"or correct item 6"
            )
        elif days > drug_days:
            errors.append(
                f"item 7: {key}: {_days(days)} is more than the {_days(drug_days)} of any drug "
                f"use in item 6"
            )
    return errors


def score(answers, context: ScoringContext) -> Score:
    codes = coded(answers)
    subscales = {
        "use": sum(codes[n] for n in USE),
        "risk": sum(codes[n] for n in RISK),
        "protective": sum(codes[n] for n in PROTECTIVE),
        "progress": codes[PROGRESS],
    }
    flags = []
    if subscales["use"] >= 1:
        flags.append("use")
    if subscales["risk"] >= 12:
        flags.append("risk")
    if subscales["protective"] <= 12:
        flags.append("low_protection")
    return Score(None, None, subscales, flags, INSTRUMENT.scoring_version)


INSTRUMENT = Instrument(
    code="BAM",
    name="Brief Addiction Monitor (BAM), 30-day version",
    short_name="Recovery monitor (BAM)",
    instructions="These questions are about the past 30 days.",
    items=ITEMS,
    scorer=score,
    scoring_version="BAM/1",
    source="VA; Cacciola et al. 2013; subscales per VISN 4 MIRECC",
    total_range=None,
    chart_series=("use", "risk", "protective"),
    series_ranges={"use": (0, 12), "risk": (0, 24), "protective": (0, 24), "progress": (0, 4)},
    consistency=consistency,
    # A 30-day recall form given more often than monthly counts the same days twice.
    min_interval_days=28,
    band_note="Guidance, not from the manual: use 1 or more, risk 12 or more, protective 12 or "
    "less are marked as clinically significant.",
)
