"""Honest calendars (#18): no day before the client's registration is ever "missed", and the
history reads oldest to newest with missed days labelled in words."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from recoverypath.clients.models import Client
from recoverypath.consent.family import FamilyEntry
from recoverypath.monitoring.family import check_ins_for_family
from recoverypath.monitoring.models import CheckIn
from recoverypath.monitoring.selectors import check_in_calendar, missed_days

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)  # 11:00 in New York, June 10
FORM = {"mood": "4", "craving": "3", "sleep_hours": "7", "stress": "2", "used": "no"}


def _registered(client: Client, when: datetime) -> None:
    Client.objects.filter(pk=client.pk).update(created_at=when)
    client.refresh_from_db()


def test_a_client_registered_today_has_no_missed_day_on_their_history(client, cast):
    _registered(cast.client, NOW - timedelta(hours=1))
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        html = client.get("/me/check-ins/").content.decode()
    assert ">missed<" not in html
    assert "days without a check-in" not in html and "day without a check-in" not in html


def test_a_client_registered_today_has_no_missed_day_for_staff_or_family(client, cast):
    _registered(cast.client, NOW - timedelta(hours=1))
    with time_machine.travel(NOW):
        calendar = check_in_calendar(client=cast.client, days=28)
        assert [d.day for d in calendar] == [date(2026, 6, 10)]
        assert missed_days(calendar=calendar, today=date(2026, 6, 10)) == 0
        family = check_ins_for_family(cast.client)
        client.force_login(cast.clinician)
        panel = client.get(f"/clients/{cast.client.id}/").content.decode()
        staff_page = client.get(f"/clients/{cast.client.id}/check-ins/").content.decode()
    assert FamilyEntry("Days missed", "0") in family.entries
    assert "last 14 days · 0 missed" in panel
    assert ">missed<" not in staff_page


def test_days_before_registration_are_not_missed_but_days_after_are(client, cast):
    _registered(cast.client, datetime(2026, 6, 6, 16, 0, tzinfo=UTC))  # June 6 in New York
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        CheckIn.objects.create(
            client=cast.client, date=date(2026, 6, 8), mood=4, craving=2, sleep_hours=7, stress=2
        )
        calendar = check_in_calendar(client=cast.client, days=28)
        html = client.get("/me/check-ins/").content.decode()
    assert [d.day for d in calendar][-1] == date(2026, 6, 6)
    # June 6, 7 and 9 missed; June 8 checked in; today (June 10) not over yet.
    assert missed_days(calendar=calendar, today=date(2026, 6, 10)) == 3
    assert html.count(">missed<") == 3
    assert "<strong>3</strong> days without a check-in" in html


def test_history_runs_oldest_to_newest_with_missed_days_in_words(client, cast):
    _registered(cast.client, datetime(2026, 6, 6, 16, 0, tzinfo=UTC))
    client.force_login(cast.client_user)
    with time_machine.travel(NOW):
        html = client.get("/me/check-ins/").content.decode()
    assert html.index("Sat 6") < html.index("Sun 7") < html.index("Wed 10")
    assert '<li class="missed">Sat 6<br><span>missed</span></li>' in html
    css = (
        __import__("pathlib").Path(__file__).parents[2]
        / "src/recoverypath/monitoring/static/monitoring/monitoring.css"
    ).read_text()
    missed_rule = next(line for line in css.splitlines() if line.startswith(".days li.missed"))
    assert "#fdecea" not in missed_rule and "#8a1c12" not in missed_rule  # not red


def test_check_ins_imported_from_before_registration_still_show(cast):
    _registered(cast.client, NOW)
    CheckIn.objects.create(
        client=cast.client, date=date(2026, 6, 1), mood=4, craving=2, sleep_hours=7, stress=2
    )
    with time_machine.travel(NOW):
        calendar = check_in_calendar(client=cast.client, days=28)
    assert calendar[-1].day == date(2026, 6, 1) and calendar[-1].check_in is not None
