"""The next appointment on the client's home (/me/): its modality, and a "Join" button for video
from exactly 10 minutes before the start until (not at) the end, decided by the server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client as WebClient

from recoverypath.aftercare.models import ExternalProvider
from recoverypath.aftercare.services import aftercare_plan_start, coordinator_check_in_schedule
from recoverypath.clients.selectors import next_appointment_for_home
from recoverypath.discharge.services import referral_create
from recoverypath.scheduling.services import session_book
from tests.scheduling.conftest import enroll_in_iop

pytestmark = pytest.mark.django_db

LINK = "https://video.example.test/room/fictional-juniper"
START = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)  # 3 pm in New York
BOOKED_ON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def video_session(cast):
    enroll_in_iop(cast, cast.client)
    with time_machine.travel(BOOKED_ON, tick=False):
        return session_book(
            actor=cast.front_desk,
            client=cast.client,
            facilitator=cast.clinician,
            session_type="individual_counseling",
            starts_at=START,
            duration_minutes=50,
            modality="video",
            telehealth_url=LINK,
        )


def _provider(cast) -> ExternalProvider:
    return ExternalProvider.objects.create(
        organization=cast.program.organization,
        name="Dr. Wren Fernsby (fictional)",
        kind=ExternalProvider.Kind.THERAPIST,
        address="12 Lanternfield Row",
    )


def _home(cast, at: datetime) -> str:
    web = WebClient()
    web.force_login(cast.client_user)
    with time_machine.travel(at, tick=False):
        response = web.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("offset", "shown"),
    [
        (-timedelta(minutes=10, seconds=1), False),
        (-timedelta(minutes=10), True),
        (-timedelta(minutes=9, seconds=59), True),
        (timedelta(minutes=49, seconds=59), True),
        (timedelta(minutes=50), False),  # the end
    ],
)
def test_join_shows_from_ten_minutes_before_until_the_end(cast, video_session, offset, shown):
    page = _home(cast, START + offset)
    assert ('data-testid="join-appointment"' in page) is shown
    assert (f'href="{LINK}"' in page) is shown


def test_before_the_window_the_home_says_when_join_will_appear(cast, video_session):
    page = _home(cast, START - timedelta(hours=2))
    assert "Next appointment" in page
    assert "Individual counseling" in page
    assert "Video" in page
    assert "10 minutes before the start" in page


def test_after_the_end_the_session_is_no_longer_the_next_appointment(cast, video_session):
    assert 'data-testid="next-appointment"' not in _home(cast, START + timedelta(minutes=50))


def test_the_selector_decides_with_the_clock(cast, video_session):
    with time_machine.travel(START - timedelta(minutes=10), tick=False):
        item = next_appointment_for_home(client=cast.client)
    assert item is not None and item.join_open
    with time_machine.travel(START - timedelta(minutes=10, seconds=1), tick=False):
        item = next_appointment_for_home(client=cast.client)
    assert item is not None and not item.join_open


def test_an_in_person_session_shows_its_room_and_no_join(cast):
    from recoverypath.scheduling.models import Room

    enroll_in_iop(cast, cast.client)
    room = Room.objects.create(program=cast.program, name="Cedar room")
    with time_machine.travel(BOOKED_ON, tick=False):
        session_book(
            actor=cast.front_desk,
            client=cast.client,
            facilitator=cast.clinician,
            session_type="individual_counseling",
            starts_at=START,
            room=room,
        )
    page = _home(cast, START)
    assert "In person" in page and "Cedar room" in page
    assert 'data-testid="join-appointment"' not in page


def test_staff_never_see_the_clients_join_item(cast, video_session):
    web = WebClient()
    web.force_login(cast.clinician)
    with time_machine.travel(START, tick=False):
        page = web.get(f"/clients/{cast.client.id}/").content.decode()
    assert 'data-testid="join-appointment"' not in page


def test_a_video_coordinator_check_in_gets_a_join_button_in_its_window(cast):
    with time_machine.travel(BOOKED_ON, tick=False):
        plan = aftercare_plan_start(
            actor=cast.coordinator, client=cast.client, start_date=date(2026, 3, 1), months=3
        )
        plan.check_ins.all().delete()  # only the one below
        coordinator_check_in_schedule(
            actor=cast.coordinator, plan=plan, at=START, modality="video", join_url=LINK
        )
    page = _home(cast, START - timedelta(minutes=5))
    assert "Check-in with your coordinator" in page
    assert 'data-testid="join-appointment"' in page
    assert 'data-testid="join-appointment"' not in _home(cast, START + timedelta(minutes=30))


def test_a_phone_first_appointment_shows_the_number_and_no_join(cast):
    provider = _provider(cast)
    with time_machine.travel(BOOKED_ON, tick=False):
        referral_create(
            actor=cast.coordinator,
            client=cast.client,
            provider=provider,
            appointment_at=START,
            appointment_modality="phone",
            call_details="They call you at the number on file.",
        )
    page = _home(cast, START)
    assert f"First appointment with {provider.name}" in page
    assert "They call you at the number on file." in page
    assert 'data-testid="join-appointment"' not in page


def test_the_soonest_appointment_of_any_kind_is_the_one_shown(cast, video_session):
    provider = _provider(cast)
    with time_machine.travel(BOOKED_ON, tick=False):
        referral_create(
            actor=cast.coordinator,
            client=cast.client,
            provider=provider,
            appointment_at=START - timedelta(days=1),
        )
    with time_machine.travel(START - timedelta(days=2), tick=False):
        item = next_appointment_for_home(client=cast.client)
    assert item is not None
    assert item.appointment.title == f"First appointment with {provider.name}"
