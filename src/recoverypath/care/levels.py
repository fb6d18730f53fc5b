"""The one table of levels of care (ASAM Criteria), by edition.

`level_code` is stored as text with the `edition` ("3" or "4"); payers still use 3rd-edition codes,
so both editions are kept and names come from here only.

CLINICAL.md names the 4th edition's levels; where it is silent the table follows the ASAM
Criteria themselves:
- 3rd edition (Mee-Lee et al., 2013): 0.5 early intervention; 1, 2.1, 2.5; residential 3.1, 3.3,
  3.5, 3.7; 4; OTP, the opioid treatment program (an outpatient level-1 service under 42 CFR 8);
  and the five adult withdrawal management levels of Dimension 1: 1-WM, 2-WM (ambulatory, without
  and with extended on-site monitoring), 3.2-WM (clinically managed residential), 3.7-WM
  (medically monitored inpatient) and 4-WM (medically managed intensive inpatient).
- 4th edition (2023): withdrawal management is integrated into 1.7, 2.7, 3.7 and 4.0 rather than
  separate WM levels; opioid treatment programs remain a distinct, federally regulated service
  (OTP), recorded here so an episode in one can be charted in either edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

AFTERCARE = "aftercare"
IOP = "2.1"
# Levels whose admission runs the IOP placement check (CLINICAL.md: IOP is 2.1 in both editions).
IOP_LEVELS = frozenset({IOP})
PHP = "2.5"
OUTPATIENT = "1.5"
DEFAULT_EDITION = "4"
EDITIONS = (("4", "ASAM 4th edition (2023)"), ("3", "ASAM 3rd edition"))


@dataclass(frozen=True)
class Level:
    code: str
    edition: str
    name: str
    short: str
    min_weekly_hours: Decimal | None = None
    residential: bool = False
    withdrawal_management: bool = False
    rank: int = 0  # intensity, used to tell a step up from a step down
    ambulatory: bool = False  # withdrawal management without a 24-hour stay

    @property
    def label(self) -> str:
        if self.code == AFTERCARE:
            return self.name
        return f"{self.code} {self.name}"


_FOURTH = [
    Level("1.0", "4", "Long-term remission monitoring", "Remission monitoring", rank=10),
    Level("1.5", "4", "Outpatient therapy", "Outpatient", rank=15),
    Level("OTP", "4", "Opioid treatment program", "OTP", rank=16),
    Level(
        "1.7",
        "4",
        "Medically managed outpatient",
        "Medical outpatient",
        rank=17,
        withdrawal_management=True,
        ambulatory=True,
    ),
    Level("2.1", "4", "Intensive outpatient", "IOP", Decimal("9"), rank=21),
    Level("2.5", "4", "High-intensity outpatient", "PHP", Decimal("20"), rank=25),
    Level(
        "2.7",
        "4",
        "Medically managed intensive outpatient",
        "Medical IOP",
        Decimal("20"),
        rank=27,
        withdrawal_management=True,
        ambulatory=True,
    ),
    Level(
        "3.1",
        "4",
        "Clinically managed low-intensity residential",
        "Low-intensity residential",
        rank=31,
        residential=True,
    ),
    Level(
        "3.5",
        "4",
        "Clinically managed high-intensity residential",
        "High-intensity residential",
        rank=35,
        residential=True,
    ),
    Level(
        "3.7",
        "4",
        "Medically managed residential",
        "Medical residential",
        rank=37,
        residential=True,
        withdrawal_management=True,
    ),
    Level(
        "4.0",
        "4",
        "Medically managed inpatient",
        "Inpatient",
        rank=40,
        residential=True,
        withdrawal_management=True,
    ),
]
_THIRD = [
    Level("0.5", "3", "Early intervention", "Early intervention", rank=8),
    Level("1", "3", "Outpatient services", "Outpatient", rank=15),
    Level("OTP", "3", "Opioid treatment program", "OTP", rank=16),
    Level(
        "1-WM",
        "3",
        "Ambulatory withdrawal management without extended on-site monitoring",
        "Ambulatory WM",
        rank=17,
        withdrawal_management=True,
        ambulatory=True,
    ),
    Level("2.1", "3", "Intensive outpatient services", "IOP", Decimal("9"), rank=21),
    Level(
        "2-WM",
        "3",
        "Ambulatory withdrawal management with extended on-site monitoring",
        "Monitored ambulatory WM",
        rank=23,
        withdrawal_management=True,
        ambulatory=True,
    ),
    Level("2.5", "3", "Partial hospitalization services", "PHP", Decimal("20"), rank=25),
    Level(
        "3.1",
        "3",
        "Clinically managed low-intensity residential",
        "Low-intensity residential",
        rank=31,
        residential=True,
    ),
    Level(
        "3.2-WM",
        "3",
        "Clinically managed residential withdrawal management",
        "Residential WM",
        rank=32,
        residential=True,
        withdrawal_management=True,
    ),
    Level(
        "3.3",
        "3",
        "Clinically managed population-specific high-intensity residential",
        "Population-specific residential",
        rank=33,
        residential=True,
    ),
    Level(
        "3.5",
        "3",
        "Clinically managed high-intensity residential",
        "High-intensity residential",
        rank=35,
        residential=True,
    ),
    Level(
        "3.7",
        "3",
        "Medically monitored intensive inpatient",
        "Medically monitored inpatient",
        rank=37,
        residential=True,
    ),
    Level(
        "3.7-WM",
        "3",
        "Medically monitored inpatient withdrawal management",
        "Inpatient WM",
        rank=38,
        residential=True,
        withdrawal_management=True,
    ),
    Level(
        "4",
        "3",
        "Medically managed intensive inpatient",
        "Inpatient",
        rank=40,
        residential=True,
    ),
    Level(
        "4-WM",
        "3",
        "Medically managed intensive inpatient withdrawal management",
        "Hospital WM",
        rank=41,
        residential=True,
        withdrawal_management=True,
    ),
]
_AFTERCARE = [
    Level(AFTERCARE, edition, "Aftercare / recovery support", "Aftercare", rank=5)
    for edition in ("3", "4")
]

LEVELS: dict[tuple[str, str], Level] = {
    (level.code, level.edition): level for level in (*_FOURTH, *_THIRD, *_AFTERCARE)
}


def is_iop(code: str) -> bool:
    """Does entering this level run the IOP placement check?"""
    return code in IOP_LEVELS


def level_get(code: str, edition: str = DEFAULT_EDITION) -> Level | None:
    return LEVELS.get((code, edition))


def level_name(code: str, edition: str = DEFAULT_EDITION) -> str:
    level = level_get(code, edition)
    return level.label if level else code


def level_choices(edition: str = DEFAULT_EDITION) -> list[tuple[str, str]]:
    """(code, label) for a form, most intensive last, aftercare first."""
    levels = sorted((lv for lv in LEVELS.values() if lv.edition == edition), key=lambda lv: lv.rank)
    return [(lv.code, lv.label) for lv in levels]


def all_level_codes() -> list[tuple[str, str]]:
    """Every code of either edition, for the model field's choices."""
    seen: dict[str, str] = {}
    for level in sorted(LEVELS.values(), key=lambda lv: (lv.rank, lv.edition)):
        seen.setdefault(level.code, level.label)
    return list(seen.items())
