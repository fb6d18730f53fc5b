from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from recoverypath.assessments.models import Assessment


@pytest.fixture
def make_assessment():
    """Insert a scored assessment directly (history for trends and due dates)."""

    def make(client, instrument="PHQ-9", *, total=0, band="minimal", days_ago=0, **extra):
        defaults = {
            "answers": [],
            "subscales": {},
            "flags": [],
            "scoring_version": f"{instrument}/1",
            "mode": Assessment.Mode.SELF,
            "band_severity": 0,
        }
        defaults.update(extra)
        return Assessment.objects.create(
            client=client,
            instrument=instrument,
            total=total,
            band=band,
            administered_at=timezone.now() - timedelta(days=days_ago),
            **defaults,
        )

    return make
