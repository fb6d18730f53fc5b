"""FHIR for the recipient of a 42 CFR Part 2 consent (a family member with a login): exactly the
consented categories, per resource (an Observation of check-ins is not one of test results),
no more than the family page shows of each, every category shown logged as a disclosure, every
read audited; revocation takes effect on the next request."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from recoverypath.assessments.services import assessment_submit
from recoverypath.consent.models import Disclosure
from recoverypath.consent.services import consent_create, consent_link_recipient, consent_revoke
from recoverypath.core.models import AuditEvent
from recoverypath.core.timezones import local_today
from recoverypath.monitoring.services import check_in_submit
from recoverypath.scheduling.services.sessions import session_book
from recoverypath.testing.services import collection_record
from tests.conftest import api_as
from tests.factories import UserFactory
from tests.testing.conftest import make_policy

pytestmark = pytest.mark.django_db

CONSENTED = ["check_ins", "test_results", "schedule"]


@pytest.fixture
def record(cast):
    """The cast client with something in every category: a PHQ-9, a check-in saying they used,
    a booked session, a positive urine test (cocaine) and a breath test."""
    assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=[1] * 8 + [2]
    )
    check_in_submit(
        actor=cast.client_user,
        client=cast.client,
        mood=2,
        craving=8,
        sleep_hours=5,
        stress=7,
        used=True,
        substances=["alcohol"],
    )
    start = (timezone.now() + timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    session_book(
        actor=cast.clinician,
        client=cast.client,
        facilitator=cast.clinician,
        session_type="individual_counseling",
        starts_at=start,
    )
    make_policy(cast.client)
    collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=timezone.now() - timedelta(hours=3),
        specimen_type="urine",
        collector="Cora Coordwell",
        results=[{"analyte": "cocaine", "value": "300"}],
    )
    collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=timezone.now() - timedelta(hours=1),
        specimen_type="breath",
        collector="Cora Coordwell",
        brac="0.000",
    )


@pytest.fixture
def sister(cast, record):
    user = UserFactory(email="marlow@test.example.org", first_name="Marlow")
    consent = consent_create(
        actor=cast.client_user,
        client=cast.client,
        recipient_name="Marlow Quillfeather (sister)",
        recipient_kind="family",
        categories=CONSENTED,
        information_description="Check-ins, test results and appointments",
        purposes=["family_involvement"],
        revocation_right_explained=True,
        how_to_revoke="Tap Revoke in RecoveryPath.",
        expires_on=local_today(cast.client.time_zone) + timedelta(days=60),
        signed_by_name="Juniper Quillfeather",
        signature_attested=True,
        signed_on=local_today(cast.client.time_zone),
    )
    consent_link_recipient(consent_id=consent.id, user=user)
    user.consent = consent
    return user


def _everything(user, cast) -> list[dict]:
    response = api_as(user).get(f"/fhir/R4/Patient/{cast.client.id}/$everything")
    assert response.status_code == 200, response.content[:300]
    return [e["resource"] for e in response.json()["entry"]]


def _local(resource: dict) -> str:
    """The kind of a resource from its id (`12-chk3` -> `chk`, a Patient's `12` -> ``)."""
    if "-" not in resource["id"]:
        return ""
    return "".join(ch for ch in resource["id"].split("-", 1)[1] if ch.isalpha())


def test_a_consented_family_member_sees_exactly_the_consented_categories(cast, sister):
    staff = _everything(cast.clinician, cast)
    shown = _everything(sister, cast)
    # By role the record holds every kind: patient, episodes, scores, answers, results ...
    assert {"Patient", "QuestionnaireResponse", "Provenance"} <= {r["resourceType"] for r in staff}
    # ... the sister gets the appointment, the check-in and the two tests, nothing else.
    assert sorted((r["resourceType"], _local(r)) for r in shown) == [
        ("Appointment", "appt"),
        ("Observation", "chk"),
        ("Observation", "tc"),
        ("Observation", "tc"),
    ]
    expected_ids = {r["id"] for r in staff if _local(r) in ("appt", "chk", "tc")}
    assert {r["id"] for r in shown} == expected_ids
    for resource in shown:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    text = json.dumps(shown)
    # No more than the family page shows: not what the check-in said, not the substance, value,
    # specimen or cut-off of a test, not the scores or answers of the PHQ-9.
    for hidden in ("component", "hasMember", "referenceRange", "cocaine", "Cocaine", "urine"):
        assert hidden not in text, hidden
    assert "PHQ" not in text and "44261-6" not in text
    results = sorted(r["valueString"] for r in shown if _local(r) == "tc")
    assert results == ["Negative", "Positive"]


def test_every_read_is_audited_and_each_category_shown_is_a_disclosure(cast, sister):
    _everything(sister, cast)
    disclosures = Disclosure.objects.filter(recipient_user=sister, client=cast.client)
    assert sorted(disclosures.values_list("category", flat=True)) == sorted(CONSENTED)
    assert {d.consent_id for d in disclosures} == {sister.consent.id}
    assert all("FHIR" in d.description for d in disclosures)
    assert AuditEvent.objects.filter(
        actor=sister, action="read", object_type="fhir.Patient/$everything"
    ).exists()
    assert AuditEvent.objects.filter(actor=sister, action="disclose").count() == len(CONSENTED)


def test_search_and_read_give_only_the_consented_resources(cast, sister):
    api = api_as(sister)
    bundle = api.get("/fhir/R4/Observation", {"patient": cast.client.id}).json()
    kinds = sorted(_local(e["resource"]) for e in bundle["entry"])
    assert kinds == ["chk", "tc", "tc"]
    unfiltered = api.get("/fhir/R4/Observation").json()
    assert sorted(_local(e["resource"]) for e in unfiltered["entry"]) == kinds
    test = next(e["resource"] for e in bundle["entry"] if _local(e["resource"]) == "tc")
    read = api.get(f"/fhir/R4/Observation/{test['id']}")
    assert read.status_code == 200 and read.json() == test
    assert Disclosure.objects.filter(
        recipient_user=sister, category="test_results", description__contains="FHIR"
    ).exists()
    # The PHQ-9 score is an Observation too, in a category the consent does not cover.
    staff = _everything(cast.clinician, cast)
    score = next(r for r in staff if _local(r) == "obs" and "hasMember" in r)
    assert api.get(f"/fhir/R4/Observation/{score['id']}").status_code == 404
    for resource_type in ("Patient", "QuestionnaireResponse", "EpisodeOfCare", "Consent"):
        key = "_id" if resource_type == "Patient" else "patient"
        response = api.get(f"/fhir/R4/{resource_type}", {key: cast.client.id})
        assert response.status_code == 403, resource_type
        assert response.json()["resourceType"] == "OperationOutcome"
    assert api.get(f"/fhir/R4/Patient/{cast.client.id}").status_code == 403


def test_a_consent_names_one_client_only(cast, sister):
    api = api_as(sister)
    other = cast.other_program_client.id
    for url in (
        f"/fhir/R4/Patient/{other}/$everything",
        f"/fhir/R4/Observation?patient={other}",
        f"/fhir/R4/Observation/{other}-tc1",
    ):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.json()["resourceType"] == "OperationOutcome"


def test_a_revocation_takes_effect_on_the_next_request(cast, sister):
    api = api_as(sister)
    assert api.get(f"/fhir/R4/Patient/{cast.client.id}/$everything").status_code == 200
    consent_revoke(actor=cast.client_user, consent=sister.consent)
    response = api.get(f"/fhir/R4/Patient/{cast.client.id}/$everything")
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"


def test_a_consent_recipient_exports_only_the_consented_categories(
    cast, sister, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.BULK_EXPORT_DIR = tmp_path / "exports"
    api = api_as(sister)
    _outcome = api.get("/fhir/R4/$export", HTTP_PREFER="respond-async")
    assert _outcome.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api.get("/fhir/R4/Patient/$export", HTTP_PREFER="respond-async")
    assert response.status_code == 202, response.content
    manifest = api.get(response["Content-Location"]).json()
    assert {e["type"]: e["count"] for e in manifest["output"]} == {
        "Appointment": 1,
        "Observation": 3,
    }
    for entry in manifest["output"]:
        lines = b"".join(api.get(entry["url"]).streaming_content).decode().splitlines()
        for line in lines:
            assert "component" not in line and "Cocaine" not in line
    assert Disclosure.objects.filter(
        recipient_user=sister, description__contains="bulk export"
    ).count() == len(CONSENTED)
    assert AuditEvent.objects.filter(
        actor=sister, action="export", object_type="fhir.$export", client_id=cast.client.id
    ).exists()
