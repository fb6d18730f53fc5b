"""Consent per Part 2 consent, DocumentReference per signed discharge summary, Provenance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.resource import Resource

from ..record import ClientRecord
from .common import (
    ACT_CODE,
    ACT_REASON,
    CONSENT_PURPOSE,
    CONSENT_SCOPE,
    PARTICIPATION_TYPE,
    PROVENANCE_AGENT,
    concept,
    instant,
    meta,
    patient_ref,
    person,
    rid,
)


def consents(record: ClientRecord) -> Iterator[Resource]:
    for consent in record.consents:
        purposes = [
            {"system": ACT_REASON, "code": code, "display": display}
            for purpose in consent.purposes or []
            if (mapped := CONSENT_PURPOSE.get(purpose)) is not None
            for code, display in [mapped]
        ]
        provision: dict[str, Any] = {
            "type": "permit",
            "period": {"start": consent.signed_on.isoformat()},
            "actor": [
                {
                    "role": concept(
                        "information recipient",
                        [{"system": PARTICIPATION_TYPE, "code": "IRCP"}],
                    ),
                    "reference": {"display": consent.recipient_name},
                }
            ],
        }
        if consent.expires_on:
            provision["period"]["end"] = consent.expires_on.isoformat()
        if purposes:
            provision["purpose"] = purposes
        yield Consent.model_validate(
            {
                "id": rid(record, f"consent{consent.id}"),
                "meta": meta(consent.updated_at),
                "status": "active" if consent.status == "active" else "inactive",
                "scope": concept(
                    "Privacy Consent", [{"system": CONSENT_SCOPE, "code": "patient-privacy"}]
                ),
                "category": [
                    concept("Information disclosure", [{"system": ACT_CODE, "code": "IDSCL"}])
                ],
                "patient": patient_ref(record),
                "dateTime": instant(consent.signed_on),
                "organization": [{"display": consent.disclosing_party}],
                "policyRule": concept(
                    "42 CFR Part 2", [{"system": ACT_CODE, "code": "42CFRPart2"}]
                ),
                "provision": provision,
            }
        )


def document_references(record: ClientRecord) -> Iterator[Resource]:
    """Signed discharge summaries, the PDF linked (downloadable by those who may read it)."""
    for summary in record.discharge_summaries:
        yield DocumentReference.model_validate(
            {
                "id": rid(record, f"doc{summary.id}"),
                "meta": meta(summary.signed_at or summary.generated_at),
                "status": "current",
                "docStatus": "final",
                "type": concept("Discharge summary"),
                "subject": patient_ref(record),
                "date": instant(summary.signed_at or summary.generated_at),
                "description": f"Discharge summary, {summary.plan.program.name}",
                "content": [
                    {
                        "attachment": {
                            "contentType": "application/pdf",
                            "url": reverse("discharge:summary_pdf", args=[summary.id]),
                            "title": "Discharge summary",
                        }
                    }
                ],
            }
        )


def provenances(record: ClientRecord) -> Iterator[Resource]:
    """Who recorded each assessment (client or staff) and who signed each discharge summary."""
    for assessment in record.assessments:
        who = (
            patient_ref(record)
            if assessment.mode == "self"
            else person(assessment.administered_by) or {"display": "Program staff"}
        )
        yield Provenance.model_validate(
            {
                "id": rid(record, f"prov-a{assessment.id}"),
                "meta": meta(assessment.created_at),
                "target": [
                    {"reference": f"QuestionnaireResponse/{rid(record, f'qr{assessment.id}')}"},
                    {"reference": f"Observation/{rid(record, f'obs{assessment.id}')}"},
                ],
                "occurredDateTime": instant(assessment.administered_at),
                "recorded": instant(assessment.created_at),
                "agent": [
                    {
                        "type": concept("Author", [{"system": PROVENANCE_AGENT, "code": "author"}]),
                        "who": who,
                    }
                ],
            }
        )
    for summary in record.discharge_summaries:
        yield Provenance.model_validate(
            {
                "id": rid(record, f"prov-d{summary.id}"),
                "meta": meta(summary.signed_at),
                "target": [{"reference": f"DocumentReference/{rid(record, f'doc{summary.id}')}"}],
                "recorded": instant(summary.signed_at),
                "agent": [
                    {
                        "type": concept(
                            "Attester", [{"system": PROVENANCE_AGENT, "code": "attester"}]
                        ),
                        "who": {"display": summary.signature_name or "Program clinician"},
                    }
                ],
            }
        )
