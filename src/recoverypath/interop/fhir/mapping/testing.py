"""Observations (category `laboratory`) for drug and breath tests: one per collection, with a
member per analyte result, each result carrying the cut-off it was judged by as its
`referenceRange` (CLINICAL.md, "FHIR R4").

Codes: shared/CLINICAL.md names no LOINC codes for test results, so every result carries a
RecoveryPath analyte code, and a LOINC code only where one was checked against a published value
set; the others are left out rather than guessed (as CLINICAL.md does for AUDIT-C):
- cocaine in urine: 3393-6 "Benzoylecgonine [Presence] in Urine", from the CDC Opioid
  Prescribing guideline's value set "Cocaine urine drug screening tests"
  (https://hl7.org/fhir/us/cdc-opioid-cpg/ValueSet-cocaine-urine-drug-screening-tests.html).
Positive / negative are the SNOMED CT qualifiers 10828004 |Positive| and 260385009 |Negative|,
interpretations the v3 ObservationInterpretation codes POS / NEG.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.resource import Resource

from recoverypath.testing.catalog import ANALYTES, UNIT
from recoverypath.testing.family import FAMILY_RESULTS
from recoverypath.testing.selectors import VERDICT_LABELS

from ..record import ClientRecord
from .common import LOINC, OBSERVATION_CATEGORY, RP, concept, instant, meta, patient_ref, rid

SNOMED = "http://snomed.info/sct"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
UCUM = "http://unitsofmeasure.org"
OUTCOME = {
    "positive": {"system": SNOMED, "code": "10828004", "display": "Positive"},
    "negative": {"system": SNOMED, "code": "260385009", "display": "Negative"},
}
INTERPRETED = {"positive": ("POS", "Positive"), "negative": ("NEG", "Negative")}
# (analyte, specimen type) -> LOINC code, only where checked (see the module docstring).
ANALYTE_LOINC = {("cocaine", "urine"): "3393-6"}
SPECIMEN_LABELS = {"urine": "urine", "oral_fluid": "oral fluid", "breath": "breath"}
# A collection's status in FHIR: still waiting for results is `registered`.
PENDING = "pending"


def _laboratory() -> list[dict[str, Any]]:
    return [
        concept(
            "Laboratory",
            [{"system": OBSERVATION_CATEGORY, "code": "laboratory", "display": "Laboratory"}],
        )
    ]


def _result(record: ClientRecord, collection, result) -> Observation:
    analyte = ANALYTES.get(result.analyte)
    label = analyte.label if analyte else result.analyte
    specimen = SPECIMEN_LABELS.get(collection.specimen_type, collection.specimen_type)
    coding = [{"system": f"{RP}:analyte", "code": result.analyte, "display": label}]
    if (loinc := ANALYTE_LOINC.get((result.analyte, collection.specimen_type))) is not None:
        coding.insert(0, {"system": LOINC, "code": loinc})
    code, display = INTERPRETED[result.outcome]
    data: dict[str, Any] = {
        "id": rid(record, f"tr{result.id}"),
        "meta": meta(result.created_at),
        "status": "final" if result.stage == "confirmed" else "preliminary",
        "category": _laboratory(),
        "code": concept(f"{label}, {specimen}", coding),
        "subject": patient_ref(record),
        "effectiveDateTime": instant(collection.collected_at),
        "issued": instant(result.resulted_at),
        "valueCodeableConcept": concept(display, [OUTCOME[result.outcome]]),
        "interpretation": [concept(display, [{"system": INTERPRETATION, "code": code}])],
        "method": concept(result.get_stage_display()),
    }
    if result.cutoff is not None:
        data["referenceRange"] = [
            {
                "high": {"value": result.cutoff, "unit": UNIT, "system": UCUM, "code": UNIT},
                "text": f"Positive at or above {result.cutoff} {UNIT}",
            }
        ]
    if result.value is not None:
        data["component"] = [
            {
                "code": concept("Measured concentration"),
                "valueQuantity": {
                    "value": result.value,
                    "unit": UNIT,
                    "system": UCUM,
                    "code": UNIT,
                },
            }
        ]
    if result.expected:
        data["note"] = [{"text": "Expected: a medication the client is prescribed."}]
    return Observation.model_validate(data)


def lab_observations(record: ClientRecord) -> Iterator[Resource]:
    """Per collection: its analyte results (current ones as members, replaced presumptive ones
    kept as history) and then the collection's Observation with the verdict."""
    tests = record.tests
    for row in reversed(tests.rows):  # oldest first, as the other Observations
        collection = row.collection
        members = []
        for result in [*row.history, *row.current]:
            observation = _result(record, collection, result)
            if result.current:
                members.append({"reference": f"Observation/{observation.id}"})
            yield observation
        breath = collection.specimen_type == "breath"
        specimen = SPECIMEN_LABELS.get(collection.specimen_type, collection.specimen_type)
        data: dict[str, Any] = {
            "id": rid(record, f"tc{collection.id}"),
            "meta": meta(collection.created_at),
            "status": "registered" if row.verdict == PENDING else "final",
            "category": _laboratory(),
            "code": concept(
                "Breath alcohol test" if breath else f"Drug test, {specimen}",
                [{"system": f"{RP}:test", "code": collection.specimen_type}],
            ),
            "subject": patient_ref(record),
            "effectiveDateTime": instant(collection.collected_at),
            "interpretation": [concept(VERDICT_LABELS[row.verdict])],
        }
        if breath and collection.brac is not None:
            data["valueQuantity"] = {"value": collection.brac, "unit": "g/210 L"}
            data["referenceRange"] = [
                {
                    "high": {"value": tests.brac_threshold, "unit": "g/210 L"},
                    "text": f"Positive at or above {tests.brac_threshold} g/210 L",
                }
            ]
        if collection.validity != "valid":
            data["note"] = [{"text": f"Specimen: {collection.get_validity_display()}"}]
        if members:
            data["hasMember"] = members
        yield Observation.model_validate(data)


def lab_observations_for_recipient(record: ClientRecord) -> Iterator[Resource]:
    """What a consent recipient sees of testing, as the family page shows it: each test's day and
    result, nothing more (no substance, value, specimen or medication: a prescribed positive
    reads as negative)."""
    for row in reversed(record.tests.rows):
        collection = row.collection
        result = FAMILY_RESULTS[row.verdict]
        yield Observation.model_validate(
            {
                "id": rid(record, f"tc{collection.id}"),
                "meta": meta(collection.created_at),
                "status": "registered" if row.verdict == PENDING else "final",
                "category": _laboratory(),
                "code": concept("Drug or alcohol test"),
                "subject": patient_ref(record),
                "effectiveDateTime": instant(collection.collected_at),
                "valueString": result,
                "interpretation": [concept(result)],
            }
        )
