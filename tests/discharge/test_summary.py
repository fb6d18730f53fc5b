from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from recoverypath.assessments.services import assessment_submit
from recoverypath.core.errors import ConflictError, DomainError
from recoverypath.core.models import AuditEvent
from recoverypath.discharge import services
from recoverypath.discharge.models import DischargeSummary
from recoverypath.discharge.services.summary import summary_pdf
from tests.conftest import api_as

from .conftest import complete_checklist, family_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def graduated(cast, plan, provider):
    now = timezone.now()
    assessment_submit(
        actor=cast.clinician,
        client=cast.client,
        instrument="PHQ-9",
        answers=[3, 3, 2, 2, 2, 2, 2, 1, 0],
        administered_at=now - timedelta(days=38),
    )
    assessment_submit(
        actor=cast.clinician,
        client=cast.client,
        instrument="PHQ-9",
        answers=[1, 1, 1, 0, 1, 0, 0, 0, 0],
        administered_at=now - timedelta(days=2),
    )
    plan.diagnoses = [{"code": "F10.20", "description": "Alcohol use disorder, moderate"}]
    plan.save(update_fields=["diagnoses"])
    complete_checklist(plan, cast, provider)
    services.discharge_graduate(actor=cast.clinician, plan=plan)
    return DischargeSummary.objects.get(plan=plan)


def pdf_text(summary) -> str:
    reader = PdfReader(io.BytesIO(summary_pdf(summary=summary)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_summary_pdf_contains_scores_appointments_and_crisis_resources(graduated, provider):
    text = pdf_text(graduated)
    assert "Discharge summary" in text
    assert "PHQ-9" in text
    assert "PHQ-9 17 moderately severe" in text  # intake
    assert "4 minimal" in text  # discharge
    assert provider.name in text
    appointment = graduated.content["appointments"][0]["appointment_at"]
    assert appointment and appointment in text
    assert "988" in text
    assert "741741" in text
    assert "911" in text
    assert "Alcohol use disorder, moderate" in text
    assert "Naltrexone" in text
    assert "Intensive outpatient" in text
    assert "42 CFR part 2" in text


def test_the_summary_is_a_real_pdf(graduated):
    data = summary_pdf(summary=graduated)
    assert data.startswith(b"%PDF-")


def test_signing_locks_the_summary(cast, graduated):
    services.summary_sign(actor=cast.clinician, summary=graduated)
    assert graduated.signed_by == cast.clinician
    assert "Electronically signed by" in pdf_text(graduated)
    with pytest.raises(ConflictError):
        services.summary_generate(actor=cast.clinician, plan=graduated.plan)
    with pytest.raises(ConflictError):
        services.summary_sign(actor=cast.admin, summary=graduated)


def test_a_coordinator_cannot_sign(cast, graduated):
    with pytest.raises(PermissionDenied):
        services.summary_sign(actor=cast.coordinator, summary=graduated)


def test_an_unsigned_summary_is_not_shared(cast, graduated):
    referral = graduated.plan.client.referrals.get()
    with pytest.raises(ValidationError):
        services.summary_share(actor=cast.clinician, summary=graduated, referral=referral)


def test_sharing_without_a_consent_is_refused(cast, graduated):
    services.summary_sign(actor=cast.clinician, summary=graduated)
    referral = graduated.plan.client.referrals.get()
    with pytest.raises(DomainError) as refused:
        services.summary_share(actor=cast.clinician, summary=graduated, referral=referral)
    assert refused.value.code == "no_consent"
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_sharing_under_a_consent_logs_a_disclosure_with_the_notice(cast, graduated, provider):
    services.summary_sign(actor=cast.clinician, summary=graduated)
    family_consent(
        cast,
        provider,
        recipient_name=provider.name,
        purposes=["treatment"],
        information_description="Discharge summary",
    )
    referral = graduated.plan.client.referrals.get()
    disclosure = services.summary_share(actor=cast.clinician, summary=graduated, referral=referral)
    assert disclosure.recipient_name == provider.name
    event = AuditEvent.objects.get(action="disclose")
    assert event.object_type == "discharge.dischargesummary"
    assert "42 CFR part 2 prohibits" in event.changes["notice"]


def test_a_consent_that_does_not_cover_the_discharge_summary_does_not_allow_sharing_it(
    cast, graduated, provider
):
    services.summary_sign(actor=cast.clinician, summary=graduated)
    family_consent(
        cast,
        provider,
        recipient_name=provider.name,
        purposes=["treatment"],
        categories=["aftercare_plan"],
        information_description="Aftercare plan",
    )
    referral = graduated.plan.client.referrals.get()
    with pytest.raises(DomainError) as refused:
        services.summary_share(actor=cast.clinician, summary=graduated, referral=referral)
    assert refused.value.code == "no_consent"


def test_the_api_serves_the_pdf_and_signs(cast, graduated):
    api = api_as(cast.clinician)
    response = api.get(f"/api/v1/discharge-summaries/{graduated.id}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert api.post(f"/api/v1/discharge-summaries/{graduated.id}/sign/").status_code == 200
    assert api.post(f"/api/v1/discharge-summaries/{graduated.id}/sign/").status_code == 409


def test_the_client_sees_their_summary_only_once_signed(cast, graduated):
    api = api_as(cast.client_user)
    assert api.get(f"/api/v1/discharge-summaries/{graduated.id}/").status_code == 404
    services.summary_sign(actor=cast.clinician, summary=graduated)
    assert api.get(f"/api/v1/discharge-summaries/{graduated.id}/").status_code == 200


def test_the_api_shares_a_signed_summary_only_under_consent(cast, graduated, provider):
    api = api_as(cast.clinician)
    api.post(f"/api/v1/discharge-summaries/{graduated.id}/sign/")
    referral = graduated.plan.client.referrals.get()
    refused = api.post(
        f"/api/v1/discharge-summaries/{graduated.id}/share/", {"referral": referral.id}
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "no_consent"
    family_consent(
        cast,
        provider,
        recipient_name=provider.name,
        purposes=["treatment"],
        information_description="Discharge summary",
    )
    shared = api.post(
        f"/api/v1/discharge-summaries/{graduated.id}/share/", {"referral": referral.id}
    )
    assert shared.status_code == 200
    assert shared.json()["recipient"] == provider.name
    assert "42 CFR part 2" in shared.json()["notice"]
    assert AuditEvent.objects.filter(action="disclose", client_id=cast.client.id).count() == 1


# ---- scores windowed to the episode ------------------------------------------------------------
def _phq9(cast, total: int, days_ago: int):
    answers = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    return assessment_submit(
        actor=cast.clinician,
        client=cast.client,
        instrument="PHQ-9",
        answers=answers,
        administered_at=timezone.now() - timedelta(days=days_ago),
    )


def test_summary_scores_come_from_the_episodes_first_and_last_14_days(cast):
    from recoverypath.core.timezones import local_today
    from recoverypath.discharge.sources import scores_at_intake_and_discharge

    today = local_today(cast.client.time_zone)
    _phq9(cast, 21, days_ago=60)  # before the episode: not its intake
    intake = _phq9(cast, 17, days_ago=35)
    _phq9(cast, 11, days_ago=25)  # the middle of the episode: neither
    discharge = _phq9(cast, 6, days_ago=14)
    _phq9(cast, 2, days_ago=3)  # after the episode ended: not its discharge
    assessment_submit(
        actor=cast.clinician,
        client=cast.client,
        instrument="GAD-7",
        answers=[1] * 7,
        administered_at=timezone.now() - timedelta(days=25),
    )
    rows = scores_at_intake_and_discharge(
        client=cast.client,
        zone=cast.client.time_zone,
        start=today - timedelta(days=40),
        end=today - timedelta(days=10),
    )
    by_code = {row["instrument"]: row for row in rows}
    assert by_code["PHQ-9"] == {
        "instrument": "PHQ-9",
        "intake_score": "17",
        "intake_band": "moderately severe",
        "intake_on": str(today - timedelta(days=35)),
        "discharge_score": "6",
        "discharge_band": "mild",
        "discharge_on": str(today - timedelta(days=14)),
    }
    assert (intake.total, discharge.total) == (17, 6)
    # Taken only in the middle of the episode: neither at intake nor at discharge.
    assert by_code["GAD-7"]["intake_score"] is None
    assert by_code["GAD-7"]["discharge_score"] is None


def test_the_summary_says_not_measured_with_the_dates_it_has(cast, plan, provider):
    _phq9(cast, 17, days_ago=38)
    complete_checklist(plan, cast, provider)
    services.discharge_graduate(actor=cast.clinician, plan=plan)
    summary = DischargeSummary.objects.get(plan=plan)
    row = summary.content["scores"][0]
    assert (row["instrument"], row["intake_score"], row["discharge_score"]) == ("PHQ-9", "17", None)
    text = pdf_text(summary)
    assert f"17 moderately severe (on {row['intake_on']})" in text
    assert "not measured" in text
    assert "first 14 days" in text and "last 14 days" in text
