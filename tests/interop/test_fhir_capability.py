"""The CapabilityStatement lists exactly what the URL map serves."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from recoverypath.interop import urls as interop_urls
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def _served() -> set[str]:
    """Interactions served, from the URL map: `read Patient`, `search-type Goal`, `operation
    Patient everything` ... (metadata and the catch-all 404 are not interactions)."""
    served = set()
    for pattern in interop_urls.urlpatterns:
        name = pattern.name or ""
        if name.startswith("fhir-read-"):
            served.add(f"read {name.removeprefix('fhir-read-')}")
        elif name.startswith("fhir-search-"):
            served.add(f"search-type {name.removeprefix('fhir-search-')}")
        elif name.startswith("fhir-operation-"):
            owner, operation = name.removeprefix("fhir-operation-").split("-", 1)
            served.add(f"operation {owner} {operation}")
    return served


def _declared(statement: dict) -> set[str]:
    rest = statement["rest"][0]
    declared = {f"operation System {op['name']}" for op in rest.get("operation", [])}
    for resource in rest["resource"]:
        for interaction in resource.get("interaction", []):
            declared.add(f"{interaction['code']} {resource['type']}")
        for op in resource.get("operation", []):
            declared.add(f"operation {resource['type']} {op['name']}")
    return declared


def test_the_capability_statement_matches_the_url_map(api):
    response = api.get("/fhir/R4/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = response.json()
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["fhirVersion"] == "4.0.1"
    assert _declared(statement) == _served()


def test_every_url_the_statement_implies_resolves_to_a_fhir_view():
    resolver = get_resolver()
    for path in (
        "/fhir/R4/Observation",
        "/fhir/R4/Observation/1-obs2",
        "/fhir/R4/Patient/1/$everything",
    ):
        match = resolver.resolve(path)
        assert match.url_name.startswith("fhir-") and match.url_name != "fhir-unknown", path


def test_declared_search_parameters_are_accepted_and_others_refused(cast, api):
    statement = api.get("/fhir/R4/metadata").json()

    staff = api_as(cast.clinician)
    samples = {
        "date": "ge2020-01-01",
        "_lastUpdated": "ge2020-01-01",
        "target-date": "ge2020",
        "authored": "ge2020",
        "status": "active",
        "lifecycle-status": "active",
        "code": "44261-6",
        "_count": "5",
        "patient": str(cast.client.id),
        "_id": str(cast.client.id),
    }
    for resource in statement["rest"][0]["resource"]:
        for param in resource.get("searchParam", []):
            value = samples.get(param["name"], f"{resource['type']}:patient")
            response = staff.get(f"/fhir/R4/{resource['type']}", {param["name"]: value})
            assert response.status_code == 200, (
                resource["type"],
                param["name"],
                response.content[:200],
            )
