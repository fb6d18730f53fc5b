from __future__ import annotations

import pytest

from recoverypath.alerts.services import alert_raise


@pytest.fixture
def raise_alert(cast):
    """raise_alert(**overrides) -> Alert for cast.client, a high alert by default."""
    counter = {"n": 0}

    def make(**overrides):
        counter["n"] += 1
        values = {
            "client": cast.client,
            "kind": "attendance.unexcused_absences",
            "severity": "high",
            "reason": "Two unexcused absences in a row.",
            "dedup_key": f"test:{counter['n']}",
        }
        values.update(overrides)
        return alert_raise(**values)

    return make
