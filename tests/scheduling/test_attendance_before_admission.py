"""Honest calendars (#18): attendance weeks that began before the client's admission are not
"below requirement" (web panel and API), and do not drag the weekly average down."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from recoverypath.care import services as care_services
from recoverypath.scheduling import selectors
from tests.conftest import api_as

from .conftest import SAFE

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)  # Wednesday June 10, 11:00 in New York


def _admit(cast, start: date) -> None:
    care_services.episode_start(
        actor=cast.admin,
        client=cast.client,
        level_code="2.1",
        start_date=start,
        placement_answers=SAFE,
    )


def test_weeks_before_admission_are_not_below_requirement(cast):
    with time_machine.travel(NOW):
        _admit(cast, date(2026, 5, 25))
        summary = selectors.attendance_summary(client=cast.client)
    weeks = {w.week_start: w for w in summary.weeks}
    assert list(weeks) == [date(2026, 5, 18), date(2026, 5, 25), date(2026, 6, 1), date(2026, 6, 8)]
    assert weeks[date(2026, 5, 18)].before_admission
    assert weeks[date(2026, 5, 18)].meets_requirement
    assert not weeks[date(2026, 5, 25)].meets_requirement  # admitted: held to the 9 hours
    assert not weeks[date(2026, 6, 1)].meets_requirement
    assert not summary.meets_requirement_this_week
    assert summary.average_weekly_hours == 0  # over the two counted weeks only


def test_a_client_admitted_later_this_week_is_not_below_requirement_yet(cast):
    with time_machine.travel(NOW):
        _admit(cast, date(2026, 6, 10))
        summary = selectors.attendance_summary(client=cast.client)
    assert all(w.before_admission and w.meets_requirement for w in summary.weeks)
    assert summary.meets_requirement_this_week
    assert summary.average_weekly_hours is None


def test_the_panel_and_api_do_not_flag_weeks_before_admission(client, cast):
    with time_machine.travel(NOW):
        _admit(cast, date(2026, 6, 10))
        client.force_login(cast.clinician)
        html = client.get(f"/clients/{cast.client.id}/").content.decode()
        body = api_as(cast.clinician).get(f"/api/v1/attendance-summary/{cast.client.id}/").json()
    assert "Below requirement" not in html
    assert "(below 9" not in html
    assert "(not counted: admitted Jun 10)" in html
    assert all(w["meets_requirement"] and w["before_admission"] for w in body["weeks"])


def test_without_a_recorded_admission_every_week_is_counted(cast):
    with time_machine.travel(NOW):
        summary = selectors.attendance_summary(client=cast.client)
    assert summary.admitted_on is None
    assert all(not w.before_admission and not w.meets_requirement for w in summary.weeks)
