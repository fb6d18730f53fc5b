"""Observation per daily check-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.resource import Resource

from ..record import ClientRecord
from .common import RP, concept, instant, meta, patient_ref, rid, survey_category

CHECK_IN_MEASURES = (
    ("mood", "Mood (1 very low - 5 very good)", "{score}"),
    ("craving", "Craving (0 none - 10 overwhelming)", "{score}"),
    ("stress", "Stress (0 none - 10 extreme)", "{score}"),
    ("sleep_hours", "Sleep", "h"),
)


def check_in_observations(record: ClientRecord) -> Iterator[Resource]:
    """One Observation per daily check-in, its measures as components (RecoveryPath codes: the
    clinical reference names no LOINC codes for them)."""
    for check_in in record.check_ins:
        components: list[dict[str, Any]] = [
            {
                "code": concept(label, [{"system": f"{RP}:check-in", "code": key}]),
                "valueQuantity": {
                    "value": float(getattr(check_in, key)),
                    "unit": unit,
                    **(
                        {"system": "http://unitsofmeasure.org", "code": unit} if unit == "h" else {}
                    ),
                },
            }
            for key, label, unit in CHECK_IN_MEASURES
        ]
        components.append(
            {
                "code": concept("Used substances", [{"system": f"{RP}:check-in", "code": "used"}]),
                "valueBoolean": check_in.used,
            }
        )
        yield Observation.model_validate(
            {
                "id": rid(record, f"chk{check_in.id}"),
                "meta": meta(check_in.updated_at),
                "status": "amended" if check_in.revision > 1 else "final",
                "category": survey_category(),
                "code": concept(
                    "Daily recovery check-in", [{"system": f"{RP}:check-in", "code": "daily"}]
                ),
                "subject": patient_ref(record),
                "effectiveDateTime": check_in.date.isoformat(),
                "issued": instant(check_in.submitted_at),
                "component": components,
            }
        )


def check_ins_for_recipient(record: ClientRecord) -> Iterator[Resource]:
    """What a consent recipient sees of check-ins, as the family page shows it: that the client
    checked in on a day, never what they answered."""
    for check_in in record.check_ins:
        yield Observation.model_validate(
            {
                "id": rid(record, f"chk{check_in.id}"),
                "meta": meta(check_in.updated_at),
                "status": "final",
                "category": survey_category(),
                "code": concept(
                    "Daily recovery check-in", [{"system": f"{RP}:check-in", "code": "daily"}]
                ),
                "subject": patient_ref(record),
                "effectiveDateTime": check_in.date.isoformat(),
            }
        )
