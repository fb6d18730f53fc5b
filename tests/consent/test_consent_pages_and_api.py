from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as WebClient

from recoverypath.consent.models import Consent
from recoverypath.core.timezones import local_today
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
TODAY = local_today("America/New_York")


def body(cast, **overrides):
    data = {
        "client": cast.client.id,
        "information_description": "Discharge summary and aftercare plan",
        "recipient_name": "Birchlight Counseling (fictional)",
        "purposes": ["treatment"],
        "revocation_right_explained": True,
        "how_to_revoke": "Write to the program director.",
        "expires_on": (TODAY + timedelta(days=90)).isoformat(),
        "signed_by_name": "Juniper Quillfeather",
        "signed_on": TODAY.isoformat(),
        "categories": ["discharge_summary", "aftercare_plan"],
        "signature_attested": True,
    }
    data.update(overrides)
    return data


def test_a_coordinator_records_and_revokes_a_consent_through_the_api(cast):
    api = api_as(cast.coordinator)
    created = api.post("/api/v1/consents/", body(cast), format="json")
    assert created.status_code == 201, created.content
    consent_id = created.json()["id"]
    assert created.json()["patient_name"] == "Juniper Quillfeather"
    revoked = api.post(f"/api/v1/consents/{consent_id}/revoke/", {"note": "Letter of May 3"})
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    again = api.post(f"/api/v1/consents/{consent_id}/revoke/", {"note": "again"})
    assert again.status_code == 409


def test_the_api_names_a_missing_required_element(cast):
    response = api_as(cast.coordinator).post(
        "/api/v1/consents/", body(cast, how_to_revoke=""), format="json"
    )
    assert response.status_code == 400
    assert "how_to_revoke" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("role", "create", "read"),
    [
        ("admin", 201, 200),
        ("clinician", 201, 200),
        ("coordinator", 201, 200),
        ("front_desk", 403, 404),
        ("other_program_clinician", 400, 404),
        ("outsider", 400, 404),
        ("client_user", 403, 200),
    ],
)
def test_each_role_on_the_consent_api(cast, role, create, read):
    consent = api_as(cast.coordinator).post("/api/v1/consents/", body(cast), format="json").json()
    api = api_as(getattr(cast, role))
    assert api.post("/api/v1/consents/", body(cast), format="json").status_code == create
    assert api.get(f"/api/v1/consents/{consent['id']}/").status_code == read


def test_anonymous_gets_nothing(cast):
    assert api_as(None).get("/api/v1/consents/").status_code in (401, 403)


def test_the_client_page_lists_consents_and_records_one_for_a_support_contact(cast):
    web = WebClient()
    web.force_login(cast.coordinator)
    sister = cast.client.support_contacts.get()
    response = web.post(
        f"/consent/clients/{cast.client.id}/new/",
        {
            "scope": "specific",
            "recipient_contact": sister.id,
            "information_description": "Progress in IOP",
            "purposes": ["family_involvement"],
            "revocation_right_explained": "on",
            "how_to_revoke": "In writing.",
            "expires_on": (TODAY + timedelta(days=60)).isoformat(),
            "signed_by_name": "Juniper Quillfeather",
            "signer_is_patient": "on",
            "signed_on": TODAY.isoformat(),
            "categories": ["sobriety"],
            "recipient_kind": "family",
            "signature_attested": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = Consent.objects.get()
    assert consent.recipient_type == "clients.supportcontact"
    assert consent.recipient_name == sister.name
    page = web.get(f"/clients/{cast.client.id}/").content.decode()
    assert "Part 2 consents" in page
    assert sister.name in page
    web.post(f"/consent/{consent.id}/revoke/", {"note": "Phone call, then letter"})
    consent.refresh_from_db()
    assert consent.status == "revoked"


@pytest.mark.parametrize(
    ("role", "status"),
    [("front_desk", 403), ("other_program_clinician", 404), ("client_user", 404), (None, 302)],
)
def test_who_may_not_record_consents_on_the_page(cast, role, status):
    web = WebClient()
    if role:
        web.force_login(getattr(cast, role))
    assert web.get(f"/consent/clients/{cast.client.id}/new/").status_code == status
