"""Instrument registry: every module in this package that defines `INSTRUMENT` is one instrument.

Adding an instrument means adding one module with one definition; nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil

from django.core.exceptions import ValidationError

from .base import Instrument, Score, ScoringContext

__all__ = [
    "REGISTRY",
    "Instrument",
    "Score",
    "ScoringContext",
    "instrument_choices",
    "instrument_get",
    "instruments_all",
]

# The order instruments are listed in on pages and in the API.
ORDER = ("PHQ-9", "GAD-7", "AUDIT-C", "DAST-10", "BAM", "BARC-10", "C-SSRS-SCREEN")


def _discover() -> dict[str, Instrument]:
    found: dict[str, Instrument] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        instrument = getattr(module, "INSTRUMENT", None)
        if isinstance(instrument, Instrument):
            if instrument.code in found:
                raise RuntimeError(f"Two instruments use the code {instrument.code!r}.")
            found[instrument.code] = instrument
    rank = {code: index for index, code in enumerate(ORDER)}
    return dict(sorted(found.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


REGISTRY: dict[str, Instrument] = _discover()


def instrument_get(code: str) -> Instrument:
    """The instrument with this code, or ValidationError({"instrument": ...})."""
    instrument = REGISTRY.get(code) if isinstance(code, str) else None
    if instrument is None:
        known = ", ".join(REGISTRY)
        raise ValidationError({"instrument": f"unknown instrument {code!r}; known: {known}"})
    return instrument


def instruments_all() -> list[Instrument]:
    return list(REGISTRY.values())


def instrument_choices() -> list[tuple[str, str]]:
    return [(i.code, i.short_name) for i in REGISTRY.values()]
