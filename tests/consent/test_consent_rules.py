from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.aftercare.models import ExternalProvider
from recoverypath.consent.models import Consent, Disclosure
from recoverypath.consent.notices import part2_notice
from recoverypath.consent.selectors import consent_allows_disclosure, consent_is_active
from recoverypath.consent.services import (
    consent_create,
    consent_expire,
    consent_revoke,
    disclosure_record,
)
from recoverypath.core.errors import ConflictError, DomainError
from recoverypath.core.models import AuditEvent
from recoverypath.core.timezones import local_today

pytestmark = pytest.mark.django_db

TODAY = local_today("America/New_York")


@pytest.fixture
def provider(cast):
    return ExternalProvider.objects.create(
        organization=cast.program.organization, name="Birchlight Counseling (fictional)"
    )


@pytest.fixture
def sister(cast):
    return cast.client.support_contacts.get()


def signed(cast, **overrides) -> Consent:
    data = dict(
        information_description="Discharge summary and aftercare plan",
        recipient_name="Birchlight Counseling (fictional)",
        purposes=["treatment"],
        revocation_right_explained=True,
        how_to_revoke="Write to the program director.",
        expires_on=TODAY + timedelta(days=90),
        signed_by_name="Juniper Quillfeather",
        signed_on=TODAY - timedelta(days=1),
        categories=["discharge_summary", "aftercare_plan"],
        signature_attested=True,
    )
    data.update(overrides)
    return consent_create(actor=cast.coordinator, client=cast.client, **data)


def test_a_consent_with_every_required_element_is_recorded_and_audited(cast):
    consent = signed(cast)
    assert consent.status == "active"
    assert consent.patient_name == "Juniper Quillfeather"
    assert consent.disclosing_party == "Program A"
    assert AuditEvent.objects.filter(
        action="create", object_type="consent.consent", client_id=cast.client.id
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purposes": []}, "purposes"),
        ({"purposes": ["marketing"]}, "purposes"),
        ({"revocation_right_explained": False}, "how_to_revoke"),
        ({"how_to_revoke": ""}, "how_to_revoke"),
        ({"expires_on": None, "expiration_event": ""}, "expires_on"),
        ({"expires_on": TODAY - timedelta(days=5)}, "expires_on"),
        ({"signer_is_patient": False}, "signer_authority"),
        ({"information_description": ""}, "information_description"),
        ({"signed_by_name": ""}, "signed_by_name"),
    ],
)
def test_a_consent_missing_a_required_element_is_refused(cast, overrides, field):
    with pytest.raises(ValidationError) as refused:
        signed(cast, **overrides)
    assert field in refused.value.message_dict


def test_a_tpo_consent_must_explain_redisclosure_and_refusal(cast):
    with pytest.raises(ValidationError) as refused:
        signed(cast, scope="tpo", recipient_name="my treating providers")
    assert "redisclosure_explained" in refused.value.message_dict


def test_a_consent_signed_in_the_future_is_refused(cast):
    with pytest.raises(ValidationError):
        signed(cast, signed_on=TODAY + timedelta(days=2), expires_on=TODAY + timedelta(days=9))


def test_front_desk_cannot_record_consents(cast):
    with pytest.raises(PermissionDenied):
        consent_create(actor=cast.front_desk, client=cast.client, recipient_name="x")


def test_an_active_consent_allows_disclosure_to_the_named_recipient_for_its_purpose(cast, provider):
    consent = signed(cast)
    assert (
        consent_allows_disclosure(client=cast.client, recipient=provider, purpose="treatment")
        == consent
    )
    assert (
        consent_allows_disclosure(
            client=cast.client, recipient="birchlight counseling (fictional)", purpose="treatment"
        )
        == consent
    )


def test_a_consent_naming_a_record_allows_only_that_record(cast, provider, sister):
    consent_create(
        actor=cast.coordinator,
        client=cast.client,
        recipient=sister,
        information_description="Progress in IOP",
        purposes=["family_involvement"],
        revocation_right_explained=True,
        how_to_revoke="In writing.",
        expires_on=TODAY + timedelta(days=30),
        signed_by_name="Juniper Quillfeather",
        signed_on=TODAY,
        categories=["attendance"],
        signature_attested=True,
    )
    assert consent_allows_disclosure(
        client=cast.client, recipient=sister, purpose="family_involvement"
    )
    assert not consent_allows_disclosure(
        client=cast.client, recipient=provider, purpose="family_involvement"
    )


def test_another_purpose_is_not_allowed(cast, provider):
    signed(cast)
    assert (
        consent_allows_disclosure(client=cast.client, recipient=provider, purpose="payment") is None
    )


def test_another_clients_consent_allows_nothing(cast, provider):
    signed(cast)
    assert not consent_allows_disclosure(
        client=cast.other_program_client, recipient=provider, purpose="treatment"
    )


def test_an_expired_consent_refuses(cast, provider):
    consent = signed(
        cast, signed_on=TODAY - timedelta(days=60), expires_on=TODAY - timedelta(days=1)
    )
    assert not consent_is_active(consent=consent)
    assert (
        consent_allows_disclosure(client=cast.client, recipient=provider, purpose="treatment")
        is None
    )


def test_a_consent_still_allows_on_its_expiry_day(cast, provider):
    signed(cast, expires_on=TODAY)
    assert consent_allows_disclosure(client=cast.client, recipient=provider, purpose="treatment")


def test_a_revoked_consent_refuses(cast, provider):
    consent = signed(cast)
    consent_revoke(actor=cast.coordinator, consent=consent, note="Client asked in writing")
    consent.refresh_from_db()
    assert consent.status == "revoked"
    assert consent.revoked_at is not None
    assert (
        consent_allows_disclosure(client=cast.client, recipient=provider, purpose="treatment")
        is None
    )


def test_a_consent_whose_expiration_event_happened_refuses(cast, provider):
    consent = signed(cast, expires_on=None, expiration_event="When aftercare ends")
    assert consent_allows_disclosure(client=cast.client, recipient=provider, purpose="treatment")
    consent_expire(actor=cast.coordinator, consent=consent, note="Aftercare ended")
    assert (
        consent_allows_disclosure(client=cast.client, recipient=provider, purpose="treatment")
        is None
    )


def test_a_revoked_consent_cannot_be_revoked_again(cast):
    consent = signed(cast)
    consent_revoke(actor=cast.coordinator, consent=consent, note="Client asked in writing")
    with pytest.raises(ConflictError):
        consent_revoke(actor=cast.coordinator, consent=consent, note="Client asked again")


def test_staff_revoking_without_saying_how_the_client_revoked_is_refused_by_the_service(cast):
    consent = signed(cast)
    with pytest.raises(ValidationError) as exc:
        consent_revoke(actor=cast.coordinator, consent=consent, note="  ")
    assert exc.value.message_dict == {"note": ["Say how the client revoked the consent."]}
    consent.refresh_from_db()
    assert consent.status == "active"


def test_a_tpo_consent_allows_treatment_to_any_provider_but_not_family(cast, provider, sister):
    signed(
        cast,
        scope="tpo",
        recipient_name="my treating providers, health plans, third-party payers",
        purposes=["treatment", "payment", "health_care_operations"],
        redisclosure_explained=True,
        refusal_consequences_explained=True,
    )
    assert consent_allows_disclosure(client=cast.client, recipient=provider, purpose="treatment")
    assert not consent_allows_disclosure(
        client=cast.client, recipient=sister, purpose="family_involvement"
    )


def test_a_disclosure_is_logged_with_the_part2_notice(cast, provider):
    consent = signed(cast)
    disclosure = disclosure_record(
        actor=cast.clinician,
        client=cast.client,
        recipient=provider,
        purpose="treatment",
        description="Discharge summary",
    )
    assert disclosure.consent == consent
    assert disclosure.notice == part2_notice()
    assert "42 CFR part 2" in disclosure.notice
    event = AuditEvent.objects.get(action="disclose", client_id=cast.client.id)
    assert event.changes["notice"] == part2_notice()
    assert event.changes["consent_id"] == consent.id
    assert event.changes["recipient"] == provider.name


def test_a_disclosure_without_consent_is_refused_and_nothing_is_logged(cast, provider):
    with pytest.raises(DomainError) as refused:
        disclosure_record(
            actor=cast.clinician,
            client=cast.client,
            recipient=provider,
            purpose="treatment",
            description="Discharge summary",
        )
    assert refused.value.code == "no_consent"
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_a_consent_naming_a_record_takes_its_name_when_none_is_written(cast, sister):
    consent = signed(cast, recipient=sister, recipient_name="  ")
    assert consent.recipient_name == sister.name
    assert consent.recipient_type == "clients.supportcontact"
    written = signed(cast, recipient=sister, recipient_name="My sister")
    assert written.recipient_name == "My sister"
