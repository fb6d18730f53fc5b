from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from recoverypath.aftercare.services import aftercare_plan_start

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)  # noon in New York


@pytest.fixture
def at_noon():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def plan(cast, at_noon):
    return aftercare_plan_start(
        actor=cast.coordinator,
        client=cast.client,
        start_date=date(2026, 5, 1),
        months=3,
        components=[
            {"kind": "therapy", "title": "CBT", "frequency": "weekly", "expected_per_week": 1},
            {
                "kind": "support_group",
                "group_type": "aa",
                "frequency": "several_weekly",
                "expected_per_week": 3,
                "meeting_schedule": "Mon, Wed, Fri 7pm Hope Group",
            },
        ],
    )
