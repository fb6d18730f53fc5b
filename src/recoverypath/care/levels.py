"""The one table of levels of care (ASAM Criteria), by edition.

`level_code` is stored as text with the `edition` ("3" or "4"); payers still use 3rd-edition codes,
so both editions are kept and names come from here only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

AFTERCARE = "aftercare"
IOP = "2.1"
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

    @property
    def label(self) -> str:
        if self.code == AFTERCARE:
            return self.name
        return f"{self.code} {self.name}"


_FOURTH = [
    Level("1.0", "4", "Long-term remission monitoring", "Remission monitoring", rank=10),
    Level("1.5", "4", "Outpatient therapy", "Outpatient", rank=15),
    Level(
        "1.7",
        "4",
        "Medically managed outpatient",
        "Medical outpatient",
        rank=17,
        withdrawal_management=True,
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
    Level("1", "3", "Outpatient services", "Outpatient", rank=15),
    Level("2.1", "3", "Intensive outpatient services", "IOP", Decimal("9"), rank=21),
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
        withdrawal_management=True,
    ),
    Level(
        "4",
        "3",
        "Medically managed intensive inpatient",
        "Inpatient",
        rank=40,
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
