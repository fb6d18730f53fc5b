from __future__ import annotations

from datetime import date, time

import pytest

from recoverypath.testing.catalog import STANDARD_PANELS, standard_cutoffs
from recoverypath.testing.models import TestingPolicy, TestPanel


def standard_panel(code: str) -> TestPanel:
    """A standard panel. Migration 0002 writes them, but a transactional test (the browser's)
    flushes the database, so tests make sure the one they need exists."""
    spec = next(p for p in STANDARD_PANELS if p.code == code)
    panel, _ = TestPanel.objects.get_or_create(
        program=None,
        code=code,
        defaults={
            "name": spec.name,
            "specimen_type": spec.specimen_type,
            "cutoffs": standard_cutoffs(spec.specimen_type, spec.analytes),
        },
    )
    return panel


def make_policy(client, **values) -> TestingPolicy:
    """A policy row written directly (services are tested on their own)."""
    defaults = {
        "program_id": client.program_id,
        "tests_per_period": 2,
        "period": "week",
        "panel": standard_panel("urine-5"),
        "specimen_types": ["urine", "breath"],
        "window_days": [0, 1, 2, 3, 4, 5, 6],
        "window_start": time(8, 0),
        "window_end": time(17, 0),
        "site": "Program A office, 12 Imaginary Lane",
        "start_date": date(2026, 1, 1),
    }
    defaults.update(values)
    return TestingPolicy.objects.create(client=client, **defaults)


@pytest.fixture
def policy(cast) -> TestingPolicy:
    return make_policy(cast.client)
