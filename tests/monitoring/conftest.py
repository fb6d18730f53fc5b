from __future__ import annotations

from datetime import date, timedelta

import pytest

from recoverypath.monitoring.models import CheckIn


def make_check_ins(client, *, today: date, values: list[tuple[int, int]], used: bool = False):
    """Check-ins on consecutive days ending today: values are (mood, craving), oldest first."""
    start = today - timedelta(days=len(values) - 1)
    return CheckIn.objects.bulk_create(
        [
            CheckIn(
                client=client,
                date=start + timedelta(days=i),
                mood=mood,
                craving=craving,
                sleep_hours=7,
                stress=3,
                used=used,
            )
            for i, (mood, craving) in enumerate(values)
        ]
    )


@pytest.fixture
def good_check_in() -> dict:
    return {
        "mood": 4,
        "craving": 2,
        "sleep_hours": 7.5,
        "stress": 3,
        "used": False,
        "substances": [],
        "triggers": ["stress"],
        "coping": ["called"],
        "note": "Okay day.",
    }
