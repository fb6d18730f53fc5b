"""Drug and breath tests as FHIR Observations (category laboratory): one per collection with a
member per analyte result, the cut-off as referenceRange, in $everything, search and bulk export,
validated with fhir.resources; and the hooks interop serves them through."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.observation import Observation

from recoverypath.clients.models import Client
from recoverypath.consent.models import Category
from recoverypath.core.hooks import all_hooks
from recoverypath.core.hooks.interop import csv_exports, fhir_mappers, fhir_mappers_of
from recoverypath.interop.fhir.mapping import RESOURCE_TYPES, resources_for
from recoverypath.interop.fhir.record import ClientRecord
from recoverypath.testing.services import collection_record
from tests.conftest import api_as
from tests.testing.conftest import make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def tests_done(cast):
    make_policy(cast.client)
    urine = collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=timezone.now() - timedelta(hours=3),
        specimen_type="urine",
        collector="Cora Coordwell",
        results=[{"analyte": "cocaine", "value": "300"}, {"analyte": "marijuana", "value": "0"}],
    )
    breath = collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=timezone.now() - timedelta(hours=1),
        specimen_type="breath",
        collector="Cora Coordwell",
        brac="0.031",
    )
    return urine, breath


def _observations(user, cast) -> dict[str, dict]:
    bundle = api_as(user).get(f"/fhir/R4/Patient/{cast.client.id}/$everything").json()
    return {
        e["resource"]["id"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }


def test_a_urine_test_is_a_laboratory_panel_with_a_result_per_analyte(cast, tests_done):
    urine, _ = tests_done
    observations = _observations(cast.coordinator, cast)
    panel = observations[f"{cast.client.id}-tc{urine.id}"]
    Observation.model_validate(panel)
    assert panel["category"][0]["coding"][0]["code"] == "laboratory"
    assert panel["interpretation"][0]["text"] == "Positive"
    members = [observations[m["reference"].split("/", 1)[1]] for m in panel["hasMember"]]
    by_analyte = {m["code"]["coding"][-1]["code"]: m for m in members}
    assert set(by_analyte) == {"cocaine", "marijuana"}
    cocaine = by_analyte["cocaine"]
    assert {"system": "http://loinc.org", "code": "3393-6"} in cocaine["code"]["coding"]
    assert cocaine["valueCodeableConcept"]["coding"][0]["code"] == "10828004"  # Positive
    assert cocaine["referenceRange"][0]["high"]["value"] == 150  # the urine screen cut-off
    assert cocaine["referenceRange"][0]["high"]["unit"] == "ng/mL"
    assert cocaine["component"][0]["valueQuantity"]["value"] == 300
    marijuana = by_analyte["marijuana"]
    assert marijuana["valueCodeableConcept"]["coding"][0]["code"] == "260385009"  # Negative
    assert all(c["system"] != "http://loinc.org" for c in marijuana["code"]["coding"])


def test_a_breath_test_carries_its_brac_and_the_threshold(cast, tests_done):
    _, breath = tests_done
    observation = _observations(cast.coordinator, cast)[f"{cast.client.id}-tc{breath.id}"]
    Observation.model_validate(observation)
    assert observation["valueQuantity"] == {"value": 0.031, "unit": "g/210 L"}
    assert observation["referenceRange"][0]["high"]["value"] == 0.02
    assert observation["interpretation"][0]["text"] == "Positive"


def test_test_results_are_searchable_and_readable_but_not_by_front_desk(cast, tests_done):
    api = api_as(cast.clinician)
    found = api.get(
        "/fhir/R4/Observation", {"patient": cast.client.id, "code": "http://loinc.org|3393-6"}
    ).json()
    assert found["total"] == 1
    result = found["entry"][0]["resource"]
    assert api.get(f"/fhir/R4/Observation/{result['id']}").json() == result
    assert api_as(cast.client_user).get(f"/fhir/R4/Observation/{result['id']}").status_code == 200
    refused = api_as(cast.front_desk).get(f"/fhir/R4/Observation/{result['id']}")
    assert refused.status_code == 403


def test_the_demo_produces_test_results_that_validate(demo):
    found = 0
    for client in Client.objects.filter(organization=demo.organization).select_related("program"):
        for resource in resources_for(ClientRecord(client), ("Observation",)):
            body = json.loads(resource.model_dump_json())
            if body["category"][0]["coding"][0]["code"] == "laboratory":
                Observation.model_validate(body)
                found += 1
    assert found


def test_every_served_type_has_a_registered_mapper_and_the_hooks_are_listed():
    hooks = all_hooks()
    assert hooks["fhir mappers"] is fhir_mappers
    assert hooks["csv exports"] is csv_exports
    assert all(fhir_mappers_of(t) for t in RESOURCE_TYPES)
    assert {m.resource_type for m in fhir_mappers} == set(RESOURCE_TYPES)
    categories = {m.consent_category for m in fhir_mappers} - {""}
    assert categories <= set(Category.values)
    observation_categories = [m.consent_category for m in fhir_mappers_of("Observation")]
    assert observation_categories == ["assessment_scores", "check_ins", "test_results"]
    assert [r.key for r in csv_exports] == [
        "caseload",
        "scores",
        "gap-in-care",
        "dashboard",
        "testing-compliance",
    ]
