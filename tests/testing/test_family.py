"""A family member with a consent covering test results sees each recent test's date and
result, and nothing of the clinical detail: no substance, value, specimen or medication."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recoverypath.consent.family import registered_categories
from recoverypath.consent.services import consent_link_recipient
from recoverypath.testing.services import collection_record
from tests.conftest import api_as
from tests.consent.test_family_view import family_consent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=NY)


def test_test_results_are_a_family_visible_category():
    assert "test_results" in registered_categories()


def test_the_family_sees_dates_and_results_only(cast, policy):
    with time_machine.travel(NOW, tick=False):
        collection_record(
            actor=cast.coordinator,
            client=cast.client,
            collected_at=NOW - timedelta(days=2),
            specimen_type="urine",
            collector="Cora",
            results=[{"analyte": "cocaine", "value": "300"}],
        )
        collection_record(
            actor=cast.coordinator,
            client=cast.client,
            collected_at=NOW - timedelta(hours=1),
            specimen_type="breath",
            collector="Cora",
            brac="0.000",
        )
        sister = UserFactory(email="marlow@test.example.org")
        consent = family_consent(cast, ["test_results"])
        consent_link_recipient(consent_id=consent.id, user=sister)
        response = api_as(sister).get(f"/api/v1/family/clients/{cast.client.id}/")
    assert response.status_code == 200
    body = response.json()
    (section,) = [s for c in body["clients"] for s in c["sections"]]
    assert section["category"] == "test_results"
    assert section["entries"] == [
        {"label": "Nov 26, 2026", "value": "Negative"},
        {"label": "Nov 24, 2026", "value": "Positive"},
    ]
    assert section["summary"] == "1 negative test in a row."
    shown = str([section["summary"], section["entries"]]).lower()
    for detail in ("cocaine", "300", "urine", "breath", "cora", "brac"):
        assert detail not in shown, detail
