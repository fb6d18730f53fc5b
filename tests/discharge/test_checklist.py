from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.consent.services import consent_revoke
from recoverypath.core.errors import ConflictError
from recoverypath.core.timezones import local_today
from recoverypath.discharge import services
from recoverypath.discharge.selectors import plan_readiness
from recoverypath.safety.services import safety_plan_create, safety_profile_set

from .conftest import DONE_DATA, appointment_at, family_consent, item

pytestmark = pytest.mark.django_db


def done(cast, plan, kind, data, **extra):
    return services.checklist_item_update(
        actor=cast.coordinator, item=item(plan, kind), status="done", data=data, **extra
    )


def refused(cast, plan, kind, data, **extra) -> dict:
    with pytest.raises(ValidationError) as error:
        done(cast, plan, kind, data, **extra)
    return error.value.message_dict


@pytest.mark.parametrize("kind", list(DONE_DATA))
def test_each_item_is_done_with_its_structured_data(cast, plan, kind):
    saved = done(cast, plan, kind, DONE_DATA[kind])
    assert saved.status == "done"
    assert saved.completed_by == cast.coordinator
    assert saved.completed_at is not None


def test_an_unsafe_living_situation_needs_a_plan(cast, plan):
    assert "plan" in refused(cast, plan, "living_situation", {"situation": "unsafe"})
    saved = done(
        cast, plan, "living_situation", {"situation": "unsafe", "plan": "Sober living from May 2"}
    )
    assert saved.data == {"situation": "unsafe", "plan": "Sober living from May 2"}


def test_an_unknown_living_situation_is_refused(cast, plan):
    assert "situation" in refused(cast, plan, "living_situation", {"situation": "castle"})


def test_every_barrier_needs_a_plan(cast, plan):
    errors = refused(
        cast,
        plan,
        "barriers",
        {
            "barriers": [
                {"barrier": "Pay day", "plan": "Direct deposit to savings"},
                {"barrier": "Old neighbourhood", "plan": ""},
            ]
        },
    )
    assert "Barrier 2" in errors["barriers"][0]
    assert "barriers" in refused(cast, plan, "barriers", {"barriers": []})


def test_peer_support_needs_meeting_days_and_a_name_for_other(cast, plan):
    assert "groups" in refused(cast, plan, "peer_support", {"groups": [{"kind": "aa"}]})
    assert "groups" in refused(
        cast, plan, "peer_support", {"groups": [{"kind": "other", "meeting_days": ["tue"]}]}
    )
    saved = done(
        cast,
        plan,
        "peer_support",
        {"groups": [{"kind": "smart", "meeting_days": ["Tuesday", "thu"]}]},
    )
    assert saved.data["groups"][0]["meeting_days"] == ["tue", "thu"]


def test_family_sessions_held_need_a_count(cast, plan):
    assert "sessions" in refused(cast, plan, "family_involvement", {"involvement": "sessions_held"})
    done(cast, plan, "family_involvement", {"involvement": "sessions_held", "sessions": 2})


def test_family_receiving_information_needs_a_consent_on_file(cast, plan):
    sister = cast.client.support_contacts.get()
    data = {
        "involvement": "sessions_held",
        "sessions": 3,
        "family_receives_information": True,
        "contact_id": sister.id,
    }
    errors = refused(cast, plan, "family_involvement", data)
    assert "consent" in errors["contact_id"][0]

    consent = family_consent(cast, sister)
    saved = done(cast, plan, "family_involvement", data)
    assert saved.data["consent_id"] == consent.id


def test_a_revoked_family_consent_no_longer_counts(cast, plan):
    sister = cast.client.support_contacts.get()
    consent = family_consent(cast, sister)
    consent_revoke(actor=cast.coordinator, consent=consent, note="Client asked in writing")
    data = {"involvement": "declined", "family_receives_information": True, "contact_id": sister.id}
    assert "contact_id" in refused(cast, plan, "family_involvement", data)


def test_an_expired_family_consent_no_longer_counts(cast, plan):
    sister = cast.client.support_contacts.get()
    family_consent(
        cast,
        sister,
        signed_on=local_today("America/New_York") - timedelta(days=90),
        expires_on=local_today("America/New_York") - timedelta(days=1),
    )
    data = {"involvement": "declined", "family_receives_information": True, "contact_id": sister.id}
    assert "contact_id" in refused(cast, plan, "family_involvement", data)


def test_medication_supply_must_reach_the_next_appointment(cast, plan):
    data = dict(DONE_DATA["medication_continuity"])
    data["supply_until"] = (local_today("America/New_York") + timedelta(days=5)).isoformat()
    errors = refused(cast, plan, "medication_continuity", data)
    assert "bridge prescription" in errors["supply_until"][0]


def test_medication_needs_a_prescriber_unless_there_are_none(cast, plan):
    errors = refused(
        cast, plan, "medication_continuity", {"medications": [{"name": "Acamprosate"}]}
    )
    assert {"prescriber_after_discharge", "next_appointment_date", "supply_until"} <= set(errors)
    done(cast, plan, "medication_continuity", {"no_medications": True})


def test_the_first_aftercare_appointment_must_be_within_seven_days_of_graduation(
    cast, plan, provider
):
    late = services.referral_create(
        actor=cast.coordinator,
        client=cast.client,
        provider=provider,
        appointment_at=appointment_at(plan.target_graduation_date + timedelta(days=9)),
    )
    assert item(plan, "first_aftercare_appointment").status == "open"
    errors = refused(cast, plan, "first_aftercare_appointment", {"referral_id": late.id})
    assert "more than 7 days" in errors["referral_id"][0]


def test_booking_a_first_appointment_in_the_window_completes_the_item(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator, client=cast.client, provider=provider, reason="Therapy"
    )
    assert item(plan, "first_aftercare_appointment").status == "open"
    services.referral_transition(
        actor=cast.coordinator,
        referral=referral,
        to="appointment_booked",
        appointment_at=appointment_at(plan.target_graduation_date + timedelta(days=2)),
    )
    saved = item(plan, "first_aftercare_appointment")
    assert saved.status == "done"
    assert saved.data["provider"] == provider.name


def test_a_referral_without_an_appointment_does_not_complete_the_item(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator, client=cast.client, provider=provider
    )
    errors = refused(cast, plan, "first_aftercare_appointment", {"referral_id": referral.id})
    assert "no booked appointment" in errors["referral_id"][0]


def test_the_safety_plan_item_needs_a_current_safety_plan(cast, plan):
    assert "safety_plan" in refused(cast, plan, "safety_plan", {})
    safety_plan_create(
        actor=cast.clinician,
        client=cast.client,
        warning_signs="Isolating",
        internal_coping="Walks",
        social_distractions="Library",
        people_to_ask="Sister",
        professionals="988; Program A",
        environment_safety="Medications locked away",
    )
    assert done(cast, plan, "safety_plan", {}).status == "done"


def test_a_required_safety_plan_blocks_readiness_and_cannot_be_marked_not_applicable(cast, plan):
    safety_profile_set(actor=cast.clinician, client=cast.client, history_of_self_harm=True)
    readiness = plan_readiness(plan=plan)
    assert "safety_plan" in [i.kind for i in readiness.missing]
    safety = item(plan, "safety_plan")
    safety.evidence = "No risk"
    with pytest.raises(ValidationError):
        services.checklist_item_update(
            actor=cast.clinician, item=safety, status="not_applicable", evidence="No risk"
        )


def test_an_optional_item_is_not_applicable_only_with_a_reason(cast, plan):
    safety = item(plan, "safety_plan")
    with pytest.raises(ValidationError) as error:
        services.checklist_item_update(actor=cast.clinician, item=safety, status="not_applicable")
    assert "evidence" in error.value.message_dict
    services.checklist_item_update(
        actor=cast.clinician,
        item=safety,
        status="not_applicable",
        evidence="No self-harm history; C-SSRS negative",
    )


def test_a_required_item_cannot_be_marked_not_applicable(cast, plan):
    with pytest.raises(ValidationError):
        services.checklist_item_update(
            actor=cast.clinician,
            item=item(plan, "barriers"),
            status="not_applicable",
            evidence="None",
        )


def test_front_desk_cannot_work_the_checklist(cast, plan):
    with pytest.raises(PermissionDenied):
        services.checklist_item_update(
            actor=cast.front_desk,
            item=item(plan, "living_situation"),
            status="done",
            data={"situation": "stable"},
        )


def test_a_graduated_plan_cannot_change(cast, plan):
    services.discharge_graduate(actor=cast.clinician, plan=plan, override_reason="Moved away")
    with pytest.raises(ConflictError):
        done(cast, plan, "living_situation", {"situation": "stable"})


def test_reopening_an_item_clears_its_completion(cast, plan):
    done(cast, plan, "living_situation", {"situation": "stable"})
    reopened = services.checklist_item_update(
        actor=cast.coordinator, item=item(plan, "living_situation"), status="open"
    )
    assert reopened.completed_at is None
    assert "living_situation" in [i.kind for i in plan_readiness(plan=plan).missing]
