from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from recoverypath.incentives.models import RewardSchedule
from recoverypath.monitoring.models import CheckIn
from recoverypath.scheduling.models import Attendance, Session

FIRST_DAY = date(2026, 3, 2)


def make_schedule(program, **values) -> RewardSchedule:
    defaults = {
        "style": RewardSchedule.Style.ESCALATING,
        "behaviours": [
            "negative_test",
            "attended_session",
            "daily_check_in",
            "coordinator_check_in",
        ],
        "base_amount": Decimal("2.50"),
        "increment": Decimal("1.25"),
        "max_amount": Decimal("10.00"),
        "restore_after": 0,
    }
    defaults.update(values)
    return RewardSchedule.objects.create(program=program, **defaults)


class Sessions:
    """Past individual sessions of the cast's client, one per day, with attendance."""

    def __init__(self, cast):
        self.cast = cast
        self.count = 0

    def attend(self, status: str = "present", client=None) -> Session:
        client = client or self.cast.client
        self.count += 1
        start = datetime(2026, 3, 2, 15, 0, tzinfo=UTC) + timedelta(days=self.count)
        session = Session.objects.create(
            program=client.program,
            client=client,
            session_type="individual_counseling",
            facilitator=self.cast.clinician,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            occurrence_date=start.date(),
        )
        Attendance.objects.create(
            session=session,
            client=client,
            status=status,
            minutes_attended=0 if status in ("excused", "unexcused") else 60,
        )
        return session


@pytest.fixture
def sessions(cast) -> Sessions:
    return Sessions(cast)


def check_in(client, day: date) -> CheckIn:
    return CheckIn.objects.create(
        client=client, date=day, mood=4, craving=2, sleep_hours=7, stress=3
    )
