"""Rules the forms and serializers check first are the services' own: a direct call to the
service is refused with the same message (#13)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from recoverypath.scheduling import services
from recoverypath.scheduling.models import Holiday, Session

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def _march():
    with time_machine.travel("2026-03-01 12:00:00Z", tick=False):
        yield


def _book(cast, **extra):
    return services.session_book(
        actor=cast.front_desk,
        client=cast.client,
        facilitator=cast.clinician,
        session_type="individual_counseling",
        starts_at=datetime(2026, 3, 10, 14, tzinfo=NY),
        **extra,
    )


def test_booking_refuses_a_telehealth_link_that_is_not_a_web_address(cast, iop):
    with pytest.raises(ValidationError) as exc:
        _book(cast, telehealth_url="join the call somewhere")
    assert exc.value.message_dict == {"telehealth_url": ["Enter a valid URL."]}
    assert not Session.objects.exists()


def test_booking_keeps_a_telehealth_link_that_is_a_web_address(cast, iop):
    session = _book(cast, telehealth_url="https://telehealth.example.test/room/fictional")
    assert session.telehealth_url == "https://telehealth.example.test/room/fictional"


@pytest.mark.parametrize("minutes", [4, 721])
def test_moving_refuses_a_duration_out_of_range(cast, iop, minutes):
    session = _book(cast)
    with pytest.raises(ValidationError) as exc:
        services.session_move(
            actor=cast.front_desk,
            session=session,
            starts_at=datetime(2026, 3, 11, 14, tzinfo=NY),
            duration_minutes=minutes,
        )
    assert exc.value.message_dict == {"duration_minutes": ["Between 5 and 720 minutes."]}
    session.refresh_from_db()
    assert not session.moved


def test_moving_without_a_duration_keeps_the_sessions_own(cast, iop):
    session = _book(cast, duration_minutes=50)
    moved = services.session_move(
        actor=cast.front_desk, session=session, starts_at=datetime(2026, 3, 11, 14, tzinfo=NY)
    )
    assert moved.duration_minutes == 50


def test_a_holiday_name_longer_than_the_form_allows_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        services.holiday_add(
            actor=cast.admin, program=cast.program, day=date(2026, 4, 3), name="x" * 101
        )
    assert exc.value.message_dict == {
        "name": ["Ensure this value has at most 100 characters (it has 101)."]
    }
    assert not Holiday.objects.exists()
