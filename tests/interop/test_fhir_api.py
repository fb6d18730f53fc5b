"""The FHIR R4 read API: token auth, reads, searches with paging, $everything, OperationOutcome
for every error, audit events, and access: every data endpoint walked as people who must not
see the client's record answers 404/403 as an OperationOutcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recoverypath.assessments.services import assessment_submit
from recoverypath.consent.models import Disclosure
from recoverypath.consent.services import consent_create, consent_link_recipient, consent_revoke
from recoverypath.core.models import AuditEvent
from recoverypath.core.timezones import local_today
from recoverypath.interop.fhir.capability import READ_SEARCH_TYPES
from recoverypath.scheduling.services.sessions import session_book
from tests.conftest import api_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FHIR_JSON = "application/fhir+json"


@pytest.fixture
def record(cast):
    """The cast client with a PHQ-9, a GAD-7 and a booked individual session."""
    assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=[1] * 8 + [0]
    )
    assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="GAD-7", answers=[2] * 7
    )
    start = (timezone.now() + timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    session = session_book(
        actor=cast.clinician,
        client=cast.client,
        facilitator=cast.clinician,
        session_type="individual_counseling",
        starts_at=start,
    )
    return session


def _token_api(user, password):
    cache.clear()
    api = api_as(None)
    response = api.post("/api/v1/auth/token/", {"email": user.email, "password": password})
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return api


def _outcome(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["diagnostics"]
    return body


def test_a_clinician_reads_the_patient_with_a_token_as_fhir_json(cast, record):
    api = _token_api(cast.clinician, cast.password)
    response = api.get(f"/fhir/R4/Patient/{cast.client.id}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "Patient"
    assert body["identifier"][0]["value"] == "A-0001"
    assert AuditEvent.objects.filter(
        actor=cast.clinician, action="read", object_type="fhir.Patient", client_id=cast.client.id
    ).exists()


def test_anonymous_gets_401_operation_outcome_with_a_token_challenge(cast, record):
    response = api_as(None).get(f"/fhir/R4/Patient/{cast.client.id}")
    _outcome(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_observation_search_by_patient_and_loinc_code(cast, record):
    api = api_as(cast.coordinator)
    response = api.get(
        "/fhir/R4/Observation", {"patient": cast.client.id, "code": "http://loinc.org|44261-6"}
    )
    assert response.status_code == 200
    bundle = response.json()
    assert bundle["type"] == "searchset"
    assert bundle["total"] == 1
    observation = bundle["entry"][0]["resource"]
    assert observation["valueInteger"] == 8
    assert observation["derivedFrom"][0]["reference"].startswith("QuestionnaireResponse/")


def test_search_pages_with_next_and_previous_links(cast, record):
    api = api_as(cast.client_user)
    first = api.get("/fhir/R4/Observation", {"patient": cast.client.id, "_count": 5}).json()
    assert len(first["entry"]) == 5
    relations = {link["relation"]: link["url"] for link in first["link"]}
    assert "next" in relations and "previous" not in relations
    second = api.get(relations["next"]).json()
    assert {e["resource"]["id"] for e in second["entry"]}.isdisjoint(
        {e["resource"]["id"] for e in first["entry"]}
    )
    assert "previous" in {link["relation"] for link in second["link"]}


def test_date_status_and_last_updated_filters(cast, record):
    api = api_as(cast.clinician)
    booked = api.get("/fhir/R4/Appointment", {"patient": cast.client.id, "status": "booked"})
    assert booked.json()["total"] == 1
    day = record.starts_at.date()
    assert api.get("/fhir/R4/Appointment", {"date": f"lt{day.isoformat()}"}).json()["total"] == 0
    assert api.get("/fhir/R4/Appointment", {"date": f"ge{day.isoformat()}"}).json()["total"] == 1
    since = (timezone.now() - timedelta(hours=1)).date().isoformat()
    recent = api.get("/fhir/R4/QuestionnaireResponse", {"_lastUpdated": f"ge{since}"}).json()
    assert recent["total"] == 2


def test_include_patient_adds_the_patient_once(cast, record):
    api = api_as(cast.clinician)
    bundle = api.get(
        "/fhir/R4/QuestionnaireResponse",
        {"patient": cast.client.id, "_include": "QuestionnaireResponse:patient"},
    ).json()
    modes = [e["search"]["mode"] for e in bundle["entry"]]
    assert modes.count("include") == 1
    assert [
        e["resource"]["resourceType"] for e in bundle["entry"] if e["search"]["mode"] == "include"
    ] == ["Patient"]


def test_every_resource_in_a_search_reads_back_by_id(cast, record):
    api = api_as(cast.clinician)
    everything = api.get(f"/fhir/R4/Patient/{cast.client.id}/$everything").json()
    assert everything["type"] == "searchset"
    for entry in everything["entry"]:
        resource = entry["resource"]
        read = api.get(f"/fhir/R4/{resource['resourceType']}/{resource['id']}")
        assert read.status_code == 200, resource["id"]
        assert read.json() == resource


def test_bad_parameters_are_400_operation_outcomes(cast, record):
    api = api_as(cast.clinician)
    _outcome(api.get("/fhir/R4/Observation", {"colour": "blue"}), 400)
    _outcome(api.get("/fhir/R4/Observation", {"date": "yesterday"}), 400)
    _outcome(api.get("/fhir/R4/Observation", {"_count": "-1"}), 400)
    _outcome(api.get("/fhir/R4/Observation", {"patient": "x'--"}), 400)
    _outcome(api.get("/fhir/R4/Observation", {"_include": "Observation:performer"}), 400)
    _outcome(api.get("/fhir/R4/Medication"), 404)
    _outcome(api.get(f"/fhir/R4/Observation/{cast.client.id}-nothing9"), 404)


def test_front_desk_sees_demographics_but_not_clinical_types(cast, record):
    api = api_as(cast.front_desk)
    assert api.get(f"/fhir/R4/Patient/{cast.client.id}").status_code == 200
    assert api.get("/fhir/R4/Appointment", {"patient": cast.client.id}).status_code == 200
    _outcome(api.get("/fhir/R4/Observation", {"patient": cast.client.id}), 403)
    _outcome(api.get(f"/fhir/R4/Patient/{cast.client.id}/$everything"), 403)


def _data_urls(cast, client_id, resource_ids):
    urls = [f"/fhir/R4/Patient/{client_id}", f"/fhir/R4/Patient/{client_id}/$everything"]
    for resource_type in READ_SEARCH_TYPES:
        if resource_type != "Patient":
            urls.append(f"/fhir/R4/{resource_type}?patient={client_id}")
    urls += [f"/fhir/R4/{rtype}/{rid}" for rtype, rid in resource_ids]
    return urls


ALL_CATEGORIES = [
    "attendance",
    "schedule",
    "check_ins",
    "sobriety",
    "test_results",
    "assessment_scores",
    "discharge_summary",
    "aftercare_plan",
]


def _family_member_with_ended_consent(cast, how: str):
    """A family member whose consent covered every category, and is over: revoked by the client,
    or past its expiration date."""
    user = UserFactory(email="marlow@test.example.org")
    today = local_today(cast.client.time_zone)
    dates = (
        {"signed_on": today - timedelta(days=30), "expires_on": today - timedelta(days=1)}
        if how == "expired_consent"
        else {"signed_on": today, "expires_on": today + timedelta(days=60)}
    )
    consent = consent_create(
        actor=cast.client_user,
        client=cast.client,
        recipient_name="Marlow Quillfeather (sister)",
        recipient_kind="family",
        categories=ALL_CATEGORIES,
        information_description="Everything the family page shows",
        purposes=["family_involvement"],
        revocation_right_explained=True,
        how_to_revoke="Tap Revoke in RecoveryPath.",
        signed_by_name="Juniper Quillfeather",
        signature_attested=True,
        **dates,
    )
    consent_link_recipient(consent_id=consent.id, user=user)
    if how == "revoked_consent":
        consent_revoke(actor=cast.client_user, consent=consent)
    return user


@pytest.mark.parametrize(
    "role",
    [
        "other_program",
        "outsider",
        "family",
        "other_client",
        "revoked_consent",
        "expired_consent",
    ],
)
def test_every_fhir_endpoint_refuses_people_outside_the_record(cast, record, role):
    """Staff of another program or organization: 404 (the record does not exist for them).
    A family member without a consent (an account that is neither staff nor a client), one
    whose consent was revoked, one whose consent has expired, and another client: 403/404,
    never data."""
    everything = api_as(cast.clinician).get(f"/fhir/R4/Patient/{cast.client.id}/$everything")
    resource_ids = {
        (e["resource"]["resourceType"], e["resource"]["id"]) for e in everything.json()["entry"]
    }
    assert {rtype for rtype, _ in resource_ids} >= {"Patient", "Observation", "Appointment"}
    if role == "family":
        user = UserFactory(email="family@test.example.org")
    elif role in ("revoked_consent", "expired_consent"):
        user = _family_member_with_ended_consent(cast, role)
    elif role == "other_client":
        user = UserFactory(email="bramble@test.example.org")
        cast.other_program_client.user = user
        cast.other_program_client.save(update_fields=["user"])
    else:
        user = cast.person(role)
    api = api_as(user)
    for url in _data_urls(cast, cast.client.id, sorted(resource_ids)):
        response = api.get(url)
        assert response.status_code in (403, 404), (role, url, response.status_code)
        _outcome(response, response.status_code)
    if role in ("family", "revoked_consent", "expired_consent"):
        for resource_type in READ_SEARCH_TYPES:
            _outcome(api.get(f"/fhir/R4/{resource_type}"), 403)
        _outcome(api.get("/fhir/R4/Patient/$export", HTTP_PREFER="respond-async"), 403)
        assert not Disclosure.objects.filter(recipient_user=user).exists()
    else:
        for resource_type in READ_SEARCH_TYPES:
            response = api.get(f"/fhir/R4/{resource_type}")
            if response.status_code == 200:
                ids = {e["resource"]["id"] for e in response.json().get("entry", [])}
                assert not ids & {rid for _, rid in resource_ids}, (role, resource_type)
            else:
                _outcome(response, 403)


def test_a_client_reads_their_own_everything_and_nobody_elses(cast, record):
    api = api_as(cast.client_user)
    assert api.get(f"/fhir/R4/Patient/{cast.client.id}/$everything").status_code == 200
    _outcome(api.get(f"/fhir/R4/Patient/{cast.other_program_client.id}"), 404)
    assert AuditEvent.objects.filter(
        actor=cast.client_user, object_type="fhir.Patient/$everything"
    ).exists()


def test_everything_loads_in_a_fixed_number_of_queries(cast, record, django_assert_num_queries):
    """More data for the patient does not mean more queries: one query per kind of record."""
    api = api_as(cast.clinician)
    with CaptureQueriesContext(connection) as few:
        assert api.get(f"/fhir/R4/Patient/{cast.client.id}/$everything").status_code == 200
    for _ in range(3):
        assessment_submit(
            actor=cast.client_user, client=cast.client, instrument="GAD-7", answers=[1] * 7
        )
    for days in (5, 6):
        start = (timezone.now() + timedelta(days=days)).replace(
            hour=15, minute=0, second=0, microsecond=0
        )
        session_book(
            actor=cast.clinician,
            client=cast.client,
            facilitator=cast.clinician,
            session_type="individual_counseling",
            starts_at=start,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        assert api.get(f"/fhir/R4/Patient/{cast.client.id}/$everything").status_code == 200
