"""The analytes we test for and their cut-offs (shared/CLINICAL.md, "Drug and alcohol testing").

Urine: HHS Mandatory Guidelines (2025); oral fluid: 49 CFR 40.91; both in ng/mL, screen / confirm.
The clinical additions have no federal cut-off: the values here are the common defaults named in
CLINICAL.md and programs change them in their own panels. Positive means a value at or above the
cut-off. This module is plain data so migrations and the demo can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

URINE = "urine"
ORAL_FLUID = "oral_fluid"
BREATH = "breath"
SPECIMEN_TYPES = ((URINE, "Urine"), (ORAL_FLUID, "Oral fluid"), (BREATH, "Breath"))
DRUG_SPECIMENS = (URINE, ORAL_FLUID)
UNIT = "ng/mL"


@dataclass(frozen=True)
class Analyte:
    code: str
    label: str
    urine: tuple[str, str] | None  # (screen, confirm) cut-offs, ng/mL
    oral_fluid: tuple[str, str] | None
    federal: bool = True


ANALYTES: dict[str, Analyte] = {
    a.code: a
    for a in (
        Analyte("marijuana", "Marijuana (THC)", ("50", "15"), ("4", "2")),
        Analyte("cocaine", "Cocaine", ("150", "100"), ("15", "8")),
        Analyte("opiates", "Opiates (codeine, morphine)", ("2000", "2000"), ("30", "15")),
        Analyte("hydrocodone", "Hydrocodone, hydromorphone", ("300", "100"), ("30", "15")),
        Analyte("oxycodone", "Oxycodone, oxymorphone", ("100", "100"), ("30", "15")),
        Analyte("heroin_6am", "Heroin (6-acetylmorphine)", ("10", "10"), ("4", "2")),
        Analyte("fentanyl", "Fentanyl", ("1", "1"), None),
        Analyte("pcp", "PCP", ("25", "25"), ("10", "10")),
        Analyte("amphetamines", "Amphetamine, methamphetamine", ("500", "250"), ("50", "25")),
        Analyte("mdma", "MDMA, MDA", ("500", "250"), ("50", "25")),
        Analyte("benzodiazepines", "Benzodiazepines", ("200", "200"), None, federal=False),
        Analyte("buprenorphine", "Buprenorphine", ("5", "5"), None, federal=False),
        Analyte("methadone", "Methadone", ("300", "300"), None, federal=False),
        Analyte("barbiturates", "Barbiturates", ("200", "200"), None, federal=False),
        Analyte("etg", "Alcohol (EtG)", ("500", "500"), None, federal=False),
    )
}
ANALYTE_CHOICES = [(a.code, a.label) for a in ANALYTES.values()]

# Breath alcohol (g/210 L): below 0.02 is negative; programs may set their own alert threshold.
BRAC_POSITIVE = Decimal("0.020")
BRAC_MAX = Decimal("0.600")


@dataclass(frozen=True)
class StandardPanel:
    code: str
    name: str
    specimen_type: str
    analytes: tuple[str, ...]


STANDARD_PANELS = (
    StandardPanel(
        "urine-5",
        "Urine 5-panel",
        URINE,
        ("marijuana", "cocaine", "opiates", "oxycodone", "amphetamines"),
    ),
    StandardPanel(
        "urine-recovery",
        "Urine recovery panel",
        URINE,
        (
            "marijuana",
            "cocaine",
            "opiates",
            "heroin_6am",
            "oxycodone",
            "hydrocodone",
            "fentanyl",
            "amphetamines",
            "benzodiazepines",
            "buprenorphine",
            "methadone",
            "etg",
        ),
    ),
    StandardPanel(
        "oral-5",
        "Oral fluid 5-panel",
        ORAL_FLUID,
        ("marijuana", "cocaine", "opiates", "oxycodone", "amphetamines"),
    ),
)


def standard_cutoffs(specimen_type: str, analytes: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """{analyte: {"screen": "50", "confirm": "15"}} for a standard panel."""
    out = {}
    for code in analytes:
        pair = getattr(ANALYTES[code], specimen_type)
        if pair is not None:
            out[code] = {"screen": pair[0], "confirm": pair[1]}
    return out
