from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.scheduling import services
from recoverypath.scheduling.models import Room

from .conftest import make_clients

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _march():
    with time_machine.travel("2026-03-01 12:00:00Z", tick=False):
        yield


NY = ZoneInfo("America/New_York")


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=NY)


def book(cast, client, *, start, facilitator=None, room=None, minutes=50):
    return services.session_book(
        actor=cast.front_desk,
        client=client,
        facilitator=facilitator or cast.clinician,
        session_type="individual_counseling",
        starts_at=start,
        duration_minutes=minutes,
        room=room,
    )


def test_double_booking_a_clinician_is_refused_with_a_clear_message(cast, iop):
    other = make_clients(cast, 1)[0]
    book(cast, cast.client, start=at(14))
    with pytest.raises(ValidationError) as exc:
        book(cast, other, start=at(14, 30))
    message = exc.value.message_dict["facilitator"][0]
    assert message == (
        "Cleo Fictional is already booked then: Individual counseling, Tue 10 Mar 14:00-14:50."
    )


def test_double_booking_a_client_is_refused_with_a_clear_message(cast, iop):
    book(cast, cast.client, start=at(14))
    with pytest.raises(ValidationError) as exc:
        book(cast, cast.client, start=at(14, 10), facilitator=cast.coordinator)
    assert exc.value.message_dict["client"] == [
        "Juniper Quillfeather already has Individual counseling then, Tue 10 Mar 14:00-14:50."
    ]


def test_double_booking_a_room_is_refused_with_a_clear_message(cast, iop, room):
    other = make_clients(cast, 1)[0]
    book(cast, cast.client, start=at(14), room=room)
    with pytest.raises(ValidationError) as exc:
        book(cast, other, start=at(14, 45), facilitator=cast.admin, room=room)
    assert exc.value.message_dict["room"] == [
        "Room Juniper is already in use then: Individual counseling, Tue 10 Mar 14:00-14:50."
    ]


def test_a_client_in_a_group_cannot_be_booked_during_it(cast, iop, group_factory):
    group = group_factory(facilitator=cast.admin)
    services.group_enroll(actor=cast.front_desk, group=group, client=cast.client)
    with pytest.raises(ValidationError) as exc:
        book(cast, cast.client, start=datetime(2026, 3, 9, 10, 0, tzinfo=NY))
    assert "already has Morning process group then" in exc.value.message_dict["client"][0]


def test_back_to_back_sessions_are_not_a_conflict(cast, iop, room):
    other = make_clients(cast, 1)[0]
    book(cast, cast.client, start=at(14), room=room)
    second = book(cast, other, start=at(14, 50), room=room)
    assert second.starts_at.astimezone(NY).time().hour == 14


def test_a_cancelled_session_frees_the_slot(cast, iop):
    first = book(cast, cast.client, start=at(14))
    services.session_cancel(actor=cast.front_desk, session=first, reason="Client asked")
    assert book(cast, cast.client, start=at(14)).pk != first.pk


def test_moving_a_session_into_a_conflict_is_refused(cast, iop):
    other = make_clients(cast, 1)[0]
    book(cast, cast.client, start=at(14))
    second = book(cast, other, start=at(16))
    with pytest.raises(ValidationError) as exc:
        services.session_move(actor=cast.front_desk, session=second, starts_at=at(14, 20))
    assert "Cleo Fictional is already booked then" in exc.value.message_dict["facilitator"][0]
    moved = services.session_move(actor=cast.front_desk, session=second, starts_at=at(15))
    assert moved.moved and moved.starts_at == at(15)


def test_a_room_of_another_program_is_refused(cast, iop):
    room_b = Room.objects.create(program=cast.other_program, name="B room")
    with pytest.raises(ValidationError):
        book(cast, cast.client, start=at(9), room=room_b)


def test_a_naive_time_is_refused(cast, iop):
    with pytest.raises(ValidationError):
        book(cast, cast.client, start=datetime(2026, 3, 10, 9, 0))


def test_staff_of_another_program_cannot_book(cast, iop):
    with pytest.raises(PermissionDenied):
        services.session_book(
            actor=cast.other_program_clinician,
            client=cast.client,
            facilitator=cast.other_program_clinician,
            session_type="individual_counseling",
            starts_at=at(9),
        )


def test_a_facilitator_must_be_staff_of_the_program(cast, iop):
    with pytest.raises(ValidationError) as exc:
        book(cast, cast.client, start=at(9), facilitator=cast.other_program_clinician)
    assert "facilitator" in exc.value.message_dict


def test_group_session_types_cannot_be_booked_individually(cast, iop):
    with pytest.raises(ValidationError):
        services.session_book(
            actor=cast.front_desk,
            client=cast.client,
            facilitator=cast.clinician,
            session_type="group_therapy",
            starts_at=at(9),
        )
    assert date(2026, 3, 10)
