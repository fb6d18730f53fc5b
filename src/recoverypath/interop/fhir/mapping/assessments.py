"""QuestionnaireResponse for an instrument's raw answers, Observation for its score and items."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource

from recoverypath.assessments.instruments import REGISTRY as INSTRUMENTS

from ..record import ClientRecord
from .common import (
    LOINC,
    RP,
    answer_value,
    concept,
    instant,
    meta,
    patient_ref,
    person,
    rid,
    survey_category,
)


def _qr_items(assessment) -> list[dict[str, Any]]:
    instrument = INSTRUMENTS.get(assessment.instrument)
    items = instrument.items if instrument else ()
    out = []
    for index, value in enumerate(assessment.answers or []):
        item = items[index] if index < len(items) else None
        entry: dict[str, Any] = {
            "linkId": (item.loinc if item and item.loinc else str(index + 1)),
            "text": item.text if item else f"Item {index + 1}",
        }
        if isinstance(value, dict):
            parts = dict(item.parts) if item else {}
            entry["item"] = [
                {"linkId": f"{index + 1}{key}", "text": parts.get(key, key), "answer": [given]}
                for key, days in value.items()
                if (given := answer_value(days)) is not None
            ]
            if not entry["item"]:
                del entry["item"]
        elif (given := answer_value(value)) is not None:
            entry["answer"] = [given]
        out.append(entry)
    return out


def questionnaire_responses(record: ClientRecord) -> Iterator[Resource]:
    for assessment in record.assessments:
        instrument = INSTRUMENTS.get(assessment.instrument)
        panel = instrument.loinc_panel if instrument else ""
        data: dict[str, Any] = {
            "id": rid(record, f"qr{assessment.id}"),
            "meta": meta(assessment.created_at),
            "questionnaire": f"{LOINC}/q/{panel}"
            if panel
            else f"{RP}:instrument:{assessment.instrument}",
            "status": "completed",
            "subject": patient_ref(record),
            "authored": instant(assessment.administered_at),
            "item": _qr_items(assessment),
        }
        if assessment.mode == "self":
            data["author"] = patient_ref(record)
            data["source"] = patient_ref(record)
        elif (author := person(assessment.administered_by)) is not None:
            data["author"] = author
        yield QuestionnaireResponse.model_validate(data)


def assessment_observations(record: ClientRecord) -> Iterator[Resource]:
    """Per assessment: one Observation for the score (total, or the panel with subscales as
    components when there is no total), `derivedFrom` the QuestionnaireResponse, with a member
    Observation per scalar item answer (coded with the item's LOINC code where there is one)."""
    for assessment in record.assessments:
        instrument = INSTRUMENTS.get(assessment.instrument)
        items = instrument.items if instrument else ()
        qr_ref = {"reference": f"QuestionnaireResponse/{rid(record, f'qr{assessment.id}')}"}
        effective = instant(assessment.administered_at)
        members = []
        for index, value in enumerate(assessment.answers or []):
            given = answer_value(value)
            if given is None:
                continue
            item = items[index] if index < len(items) else None
            coding = [{"system": LOINC, "code": item.loinc}] if item and item.loinc else None
            obs_id = rid(record, f"obs{assessment.id}-i{index + 1}")
            members.append({"reference": f"Observation/{obs_id}"})
            yield Observation.model_validate(
                {
                    "id": obs_id,
                    "meta": meta(assessment.created_at),
                    "status": "final",
                    "category": survey_category(),
                    "code": concept(
                        f"{assessment.instrument} item {index + 1}"
                        + (f": {item.text}" if item else ""),
                        coding,
                    ),
                    "subject": patient_ref(record),
                    "effectiveDateTime": effective,
                    "derivedFrom": [qr_ref],
                    **given,
                }
            )
        total_code = instrument.loinc_total if instrument else ""
        panel_code = instrument.loinc_panel if instrument else ""
        code = total_code or panel_code
        name = instrument.name if instrument else assessment.instrument
        data: dict[str, Any] = {
            "id": rid(record, f"obs{assessment.id}"),
            "meta": meta(assessment.created_at),
            "status": "final",
            "category": survey_category(),
            "code": concept(
                f"{name} total score" if assessment.total is not None else name,
                [{"system": LOINC, "code": code}] if code else None,
            ),
            "subject": patient_ref(record),
            "effectiveDateTime": effective,
            "derivedFrom": [qr_ref],
        }
        if assessment.total is not None:
            data["valueInteger"] = assessment.total
        elif assessment.band:
            data["valueString"] = assessment.band
        if assessment.band:
            data["interpretation"] = [concept(assessment.band.replace("_", " "))]
        components = [
            {"code": concept(f"{name} {key} subscale"), "valueInteger": value}
            for key, value in (assessment.subscales or {}).items()
            if isinstance(value, int) and not isinstance(value, bool)
        ]
        if components:
            data["component"] = components
        if members:
            data["hasMember"] = members
        yield Observation.model_validate(data)


def assessment_scores_for_recipient(record: ClientRecord) -> Iterator[Resource]:
    """What a consent recipient sees of assessments, as the family page shows it: each score
    (total, band, subscales), never the item answers nor the raw QuestionnaireResponse, so
    the references to them are left out."""
    scores = {rid(record, f"obs{assessment.id}") for assessment in record.assessments}
    for observation in assessment_observations(record):
        if observation.id in scores:
            data = json.loads(observation.model_dump_json())
            data.pop("hasMember", None)
            data.pop("derivedFrom", None)
            yield Observation.model_validate(data)
