from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from recoverypath.care import services as care_services
from recoverypath.scheduling import services
from recoverypath.scheduling.models import Room, Session
from tests.factories import ClientFactory

SAFE = {
    "needs_withdrawal_management": False,
    "living_environment_unsafe": False,
    "acute_safety_risk": False,
    "can_attend_hours": True,
}


def enroll_in_iop(cast, client, track: str = "general"):
    return care_services.episode_start(
        actor=cast.admin,
        client=client,
        level_code="2.1",
        start_date=date(2026, 1, 5),
        track=track,
        placement_answers=SAFE,
    )


def make_clients(cast, n: int, track: str = "general", **kwargs):
    clients = ClientFactory.create_batch(n, program=cast.program, **kwargs)
    for client in clients:
        enroll_in_iop(cast, client, track)
    return clients


@pytest.fixture
def room(cast):
    return Room.objects.create(program=cast.program, name="Room Juniper")


@pytest.fixture
def iop(cast):
    return enroll_in_iop(cast, cast.client)


@pytest.fixture
def group_factory(cast, room):
    def make(**kwargs):
        data = {
            "name": "Morning process group",
            "session_type": "group_therapy",
            "facilitator": cast.clinician,
            "room": room,
            "capacity": 12,
            "rrule": "FREQ=WEEKLY;BYDAY=MO,WE,TH",
            "start_date": date(2026, 1, 5),
            "start_time": time(9, 0),
            "duration_minutes": 180,
        }
        data.update(kwargs)
        return services.group_create(actor=cast.clinician, program=cast.program, **data)

    return make


def past_session(cast, group, *, days_ago: int = 1) -> Session:
    """A group session that has already happened (attendance can be taken)."""
    start = datetime.now(tz=UTC).replace(microsecond=0) - timedelta(days=days_ago, hours=3)
    return Session.objects.create(
        program=cast.program,
        group=group,
        session_type=group.session_type,
        facilitator=group.facilitator,
        room=group.room,
        starts_at=start,
        ends_at=start + timedelta(minutes=group.duration_minutes),
        occurrence_date=(start - timedelta(hours=5)).date() - timedelta(days=1000 + days_ago),
    )
