"""The client JSON uses the agreed names; writes go through the services and round-trip."""

from __future__ import annotations

from recoverypath.clients.models import Client
from tests.conftest import api_as

AGREED = {
    "id",
    "mrn",
    "first_name",
    "last_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "sex_assigned_at_birth",
    "phone",
    "email",
    "time_zone",
    "program",
    "sobriety_date",
}


def test_a_clients_json_uses_the_agreed_names(cast):
    data = api_as(cast.clinician).get(f"/api/v1/clients/{cast.client.id}/").json()
    assert set(data) >= AGREED
    assert data["id"] == cast.client.id
    assert data["program"] == cast.program.id
    assert data["sex_assigned_at_birth"] in ("female", "male", "unknown")
    assert data["phone"] == "+12025550143"
    assert data["date_of_birth"] == "1990-05-17"


def test_a_created_client_is_stored_in_e164_and_scoped_to_the_programs_organization(cast):
    response = api_as(cast.clinician).post(
        "/api/v1/clients/",
        {
            "mrn": "A-0042",
            "first_name": "Sorrel",
            "last_name": "Kettleby",
            "date_of_birth": "1979-11-30",
            "sex_assigned_at_birth": "unknown",
            "phone": "(415) 555-0123",
            "program": cast.program.id,
            "primary_clinician": cast.clinician.id,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+14155550123"
    client = Client.objects.get(pk=response.json()["id"])
    assert client.organization_id == cast.program.organization_id
    assert client.primary_clinician == cast.clinician


def test_a_page_of_clients_has_count_links_and_results(cast):
    data = api_as(cast.clinician).get("/api/v1/clients/", {"q": "juniper"}).json()
    assert set(data) >= {"count", "next", "previous", "results"}
    assert [row["mrn"] for row in data["results"]] == ["A-0001"]


def test_an_unsupported_method_is_a_405_in_the_one_error_shape(cast):
    response = api_as(cast.admin).delete(f"/api/v1/clients/{cast.client.id}/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert Client.objects.filter(pk=cast.client.id).exists()
