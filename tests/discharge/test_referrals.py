from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from recoverypath.aftercare.models import ExternalProvider
from recoverypath.core.errors import ConflictError
from recoverypath.core.timezones import local_today
from recoverypath.discharge import services

from .conftest import appointment_at

pytestmark = pytest.mark.django_db
TODAY = local_today("America/New_York")


def test_a_referral_moves_from_sent_to_attended_with_its_history(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator, client=cast.client, provider=provider, reason="Therapy"
    )
    assert referral.plan == plan
    services.referral_transition(actor=cast.coordinator, referral=referral, to="accepted")
    services.referral_transition(
        actor=cast.coordinator,
        referral=referral,
        to="appointment_booked",
        appointment_at=appointment_at(TODAY - timedelta(days=1)),
    )
    services.referral_transition(actor=cast.coordinator, referral=referral, to="attended")
    referral.refresh_from_db()
    assert referral.status == "attended"
    assert referral.attended_on == TODAY - timedelta(days=1)
    assert [h.to_status for h in referral.history.all()] == [
        "sent",
        "accepted",
        "appointment_booked",
        "attended",
    ]


def test_a_move_the_lifecycle_does_not_allow_is_refused(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator, client=cast.client, provider=provider
    )
    with pytest.raises(ConflictError):
        services.referral_transition(actor=cast.coordinator, referral=referral, to="attended")
    services.referral_transition(actor=cast.coordinator, referral=referral, to="cancelled")
    with pytest.raises(ConflictError):
        services.referral_transition(actor=cast.coordinator, referral=referral, to="accepted")


def test_booking_needs_the_appointment_time(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator, client=cast.client, provider=provider
    )
    with pytest.raises(ValidationError) as refused:
        services.referral_transition(
            actor=cast.coordinator, referral=referral, to="appointment_booked"
        )
    assert "appointment_at" in refused.value.message_dict


def test_attendance_cannot_be_in_the_future(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator,
        client=cast.client,
        provider=provider,
        appointment_at=appointment_at(TODAY + timedelta(days=3)),
    )
    with pytest.raises(ValidationError):
        services.referral_transition(actor=cast.coordinator, referral=referral, to="attended")


def test_a_missed_appointment_can_be_rebooked(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator,
        client=cast.client,
        provider=provider,
        appointment_at=appointment_at(TODAY - timedelta(days=2)),
    )
    services.referral_transition(actor=cast.coordinator, referral=referral, to="no_show")
    services.referral_transition(
        actor=cast.coordinator,
        referral=referral,
        to="appointment_booked",
        appointment_at=appointment_at(TODAY + timedelta(days=2)),
    )
    assert referral.status == "appointment_booked"


def test_a_provider_of_another_organization_is_refused(cast, plan):
    elsewhere = ExternalProvider.objects.create(
        organization=cast.outsider_program.organization, name="Elsewhere Clinic (fictional)"
    )
    with pytest.raises(ValidationError):
        services.referral_create(actor=cast.coordinator, client=cast.client, provider=elsewhere)
