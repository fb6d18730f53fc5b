"""How a result is read and judged: times given with their zone, the program's local day, the
panel's cut-offs, positives a prescription explains, and one analyte result's values checked."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..catalog import ANALYTES
from ..models import AnalyteResult, PrescribedMedication, TestPanel
from ._common import parse_decimal

if TYPE_CHECKING:
    from recoverypath.clients.models import Client

CLOCK_SKEW = timedelta(minutes=5)


def moment_parse(errors: dict, name: str, value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            errors[name] = "Enter a date and time, e.g. 2026-11-26T09:30:00-05:00."
            return None
        value = parsed
    if not isinstance(value, datetime):
        errors[name] = "Enter a date and time."
        return None
    if timezone.is_naive(value):
        errors[name] = "Give the time zone with the time (e.g. -05:00 or Z)."
        return None
    return value


def local_day(moment: datetime, client: Client) -> date:
    return moment.astimezone(ZoneInfo(client.program.time_zone)).date()


def cutoff_for(panel: TestPanel | None, specimen: str, analyte: str, stage: str) -> Decimal | None:
    key = "confirm" if stage == AnalyteResult.Stage.CONFIRMED else "screen"
    if panel is not None and analyte in panel.cutoffs:
        return Decimal(panel.cutoffs[analyte][key])
    pair = getattr(ANALYTES[analyte], specimen, None)
    if pair is None:
        return None
    return Decimal(pair[1] if key == "confirm" else pair[0])


def expected_analytes(client: Client, day: date) -> set[str]:
    return set(
        PrescribedMedication.objects.filter(client=client, start_date__lte=day)
        .filter(Q(end_date=None) | Q(end_date__gte=day))
        .values_list("analyte", flat=True)
    )


def result_clean(
    errors: dict,
    prefix: str,
    data: dict[str, Any],
    *,
    collection_at: datetime | None,
    specimen: str,
    panel: TestPanel | None,
    now: datetime,
) -> dict[str, Any] | None:
    """One analyte result's values; messages go under `prefix` (e.g. "results[0].")."""
    if not isinstance(data, dict):
        errors[prefix.rstrip(".") or "results"] = "Send each result as an object."
        return None
    analyte = data.get("analyte")
    if analyte not in ANALYTES:
        errors[f"{prefix}analyte"] = f"Unknown analyte: {analyte}."
        return None
    stage = data.get("stage") or AnalyteResult.Stage.PRESUMPTIVE
    if stage not in AnalyteResult.Stage.values:
        errors[f"{prefix}stage"] = "Choose presumptive or confirmed."
        return None
    value = parse_decimal(errors, f"{prefix}value", data.get("value"), label="Value")
    if value is not None and value < 0:
        errors[f"{prefix}value"] = "A value cannot be negative."
        return None
    if value is not None and value >= Decimal("100000000"):
        errors[f"{prefix}value"] = "The value is too large."
        return None
    cutoff = cutoff_for(panel, specimen, analyte, stage)
    outcome = data.get("outcome") or None
    if outcome is not None and outcome not in AnalyteResult.Outcome.values:
        errors[f"{prefix}outcome"] = "Choose negative or positive."
        return None
    if value is not None and cutoff is not None:
        judged = (
            AnalyteResult.Outcome.POSITIVE if value >= cutoff else AnalyteResult.Outcome.NEGATIVE
        )
        if outcome is not None and outcome != judged:
            errors[f"{prefix}outcome"] = (
                f"A value of {value} ng/mL is {judged} at the {cutoff} ng/mL cut-off."
            )
            return None
        outcome = judged
    if outcome is None:
        errors[f"{prefix}outcome"] = "Choose negative or positive (or give the value)."
        return None
    resulted_at = moment_parse(errors, f"{prefix}resulted_at", data.get("resulted_at")) or now
    if f"{prefix}resulted_at" in errors:
        return None
    if collection_at is not None and resulted_at < collection_at:
        errors[f"{prefix}resulted_at"] = "A result cannot come before the collection."
        return None
    if resulted_at > now + CLOCK_SKEW:
        errors[f"{prefix}resulted_at"] = "A result cannot be in the future."
        return None
    return {
        "analyte": analyte,
        "stage": stage,
        "outcome": outcome,
        "value": value,
        "cutoff": cutoff,
        "resulted_at": resulted_at,
    }
