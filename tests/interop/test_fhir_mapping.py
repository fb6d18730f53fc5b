"""Every FHIR resource built from the demo data validates with fhir.resources (R4B = R4 for
these types), and a whole $everything bundle round-trips through the library."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from fhir.resources.R4B.bundle import Bundle

from recoverypath.clients.models import Client
from recoverypath.interop.fhir.mapping import RESOURCE_TYPES, resources_for
from recoverypath.interop.fhir.record import ClientRecord
from recoverypath.interop.fhir.service import everything_bundle

pytestmark = pytest.mark.django_db


def test_every_type_is_produced_for_the_demo_and_validates(demo):
    seen: Counter[str] = Counter()
    for client in Client.objects.filter(organization=demo.organization).select_related("program"):
        for resource in resources_for(ClientRecord(client)):
            body = json.loads(resource.model_dump_json())
            again = type(resource).model_validate(body)
            assert again.id == resource.id
            seen[body["resourceType"]] += 1
    assert [t for t in RESOURCE_TYPES if not seen[t]] == [], seen


def test_an_everything_bundle_round_trips_and_every_reference_resolves(demo):
    client = (
        Client.objects.filter(
            organization=demo.organization, assessments__isnull=False, attendance__isnull=False
        )
        .distinct()
        .select_related("program")
        .first()
    )
    bundle = everything_bundle(record=ClientRecord(client), base="https://rp.test/fhir/R4")
    body = json.loads(bundle.model_dump_json())
    parsed = Bundle.model_validate(body)
    assert parsed.type == "searchset"
    present = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in body["entry"]}
    references = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("reference"), str):
                references.add(node["reference"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for entry in body["entry"]:
        walk(entry["resource"])
    assert references, "expected references between resources"
    assert references <= present, references - present
    types = {e["resource"]["resourceType"] for e in body["entry"]}
    assert {"Patient", "Observation", "QuestionnaireResponse", "Appointment", "Encounter"} <= types


def test_phq9_items_carry_their_loinc_codes(demo):
    client = Client.objects.filter(
        organization=demo.organization, assessments__instrument="PHQ-9"
    ).first()
    record = ClientRecord(client)
    observations = [
        json.loads(r.model_dump_json()) for r in resources_for(record, ("Observation",))
    ]
    codes = {c["code"] for o in observations for c in o["code"].get("coding", [])}
    assert "44261-6" in codes  # PHQ-9 total
    assert "44260-8" in codes  # PHQ-9 item 9
