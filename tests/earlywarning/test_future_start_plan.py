"""A plan drafted before graduation starts later: no aftercare rule runs on it before its first
day in the client's zone, and the rules run as usual from then on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recoverypath.aftercare.services import aftercare_plan_start, component_contact_log
from recoverypath.alerts.models import Alert
from recoverypath.earlywarning.services import absence_rules_run
from tests.monitoring.conftest import make_check_ins

from .conftest import TODAY

pytestmark = pytest.mark.django_db
START = TODAY + timedelta(days=5)


@pytest.fixture
def future_plan(cast, at_noon):
    return aftercare_plan_start(
        actor=cast.coordinator,
        client=cast.client,
        start_date=START,
        months=3,
        components=[{"kind": "therapy", "title": "CBT", "expected_per_week": 1}],
    )


def _alerts(cast, kind):
    return list(Alert.objects.filter(client=cast.client, kind=kind))


def test_the_nightly_rules_skip_a_plan_that_has_not_started(cast, future_plan, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=10), values=[(3, 2)])
    result = absence_rules_run()
    assert result.clients == 0
    assert _alerts(cast, "monitoring.no_checkin") == []
    assert _alerts(cast, "aftercare.low_adherence") == []


def test_the_nightly_rules_run_once_the_plan_has_started(cast, future_plan, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=10), values=[(3, 2)])
    at_noon.move_to(datetime(START.year, START.month, START.day, 16, tzinfo=UTC) + timedelta(5))
    result = absence_rules_run()
    assert result.clients == 1
    [alert] = _alerts(cast, "monitoring.no_checkin")
    assert "since the plan started" in alert.reason


def test_the_first_day_counts_in_the_clients_zone(cast, future_plan, at_noon):
    # 02:00 UTC on the start day is still the evening before in New York.
    at_noon.move_to(datetime(START.year, START.month, START.day, 2, tzinfo=UTC))
    assert absence_rules_run().clients == 0
    at_noon.move_to(datetime(START.year, START.month, START.day, 5, tzinfo=UTC))
    assert absence_rules_run().clients == 1


def test_a_missed_session_logged_before_the_plan_starts_raises_nothing(cast, future_plan, at_noon):
    therapy = future_plan.components.get(kind="therapy")
    component_contact_log(actor=cast.coordinator, component=therapy, day=TODAY, attended=False)
    assert _alerts(cast, "aftercare.missed_appointment") == []
    at_noon.move_to(datetime(START.year, START.month, START.day, 16, tzinfo=UTC))
    component_contact_log(actor=cast.coordinator, component=therapy, day=START, attended=False)
    assert len(_alerts(cast, "aftercare.missed_appointment")) == 1
