"""Telling the client (the home page, the reminder at the window's start) and the no-show when
the window closes."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recoverypath.alerts.models import Alert
from recoverypath.notifications.models import Notification
from recoverypath.testing.models import TestSelection
from recoverypath.testing.services import (
    collection_record,
    draw_run,
    no_shows_close,
    reminders_send_due,
)

from .conftest import make_policy

NY = ZoneInfo("America/New_York")
DAY = date(2026, 11, 26)


@pytest.fixture
def selected(cast):
    """The cast client, certainly drawn on DAY (7 tests a week on a 7-day window: p = 1)."""
    make_policy(cast.client, tests_per_period=7)
    with time_machine.travel(datetime(2026, 11, 26, 0, 20, tzinfo=NY), tick=False):
        draw_run(program=cast.program, day=DAY)
    return TestSelection.objects.get(client=cast.client, date=DAY)


def test_a_no_show_at_window_close_raises_a_high_alert_once(cast, selected):
    with time_machine.travel(datetime(2026, 11, 26, 16, 59, tzinfo=NY), tick=False):
        assert no_shows_close() == 0
    with time_machine.travel(datetime(2026, 11, 26, 17, 0, tzinfo=NY), tick=False):
        assert no_shows_close() == 1
        assert no_shows_close() == 0
    selected.refresh_from_db()
    assert selected.status == TestSelection.Status.NO_SHOW
    alert = Alert.objects.get(client=cast.client, kind="testing.no_show")
    assert alert.severity == "high" and "17:00" in alert.reason


def test_a_collected_test_is_no_no_show(cast, selected):
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=NY), tick=False):
        collection_record(
            actor=cast.coordinator,
            client=cast.client,
            collected_at=datetime(2026, 11, 26, 9, 40, tzinfo=NY),
            specimen_type="urine",
            collector="Cora",
        )
    with time_machine.travel(datetime(2026, 11, 26, 18, 0, tzinfo=NY), tick=False):
        assert no_shows_close() == 0
    assert not Alert.objects.filter(kind="testing.no_show").exists()


def test_the_client_learns_of_the_test_on_opening_the_app(cast, selected, client):
    client.force_login(cast.client_user)
    with time_machine.travel(datetime(2026, 11, 26, 7, 0, tzinfo=NY), tick=False):
        page = client.get("/me/").content.decode()
    assert "You are asked to give a sample today" in page
    assert "Program A office" in page and "17:00" in page
    selected.refresh_from_db()
    assert selected.seen_at is not None


def test_the_reminder_goes_at_window_start_only_to_those_who_have_not_looked(
    cast, selected, client
):
    with time_machine.travel(datetime(2026, 11, 26, 7, 59, tzinfo=NY), tick=False):
        assert reminders_send_due() == 0
    with time_machine.travel(datetime(2026, 11, 26, 8, 0, tzinfo=NY), tick=False):
        assert reminders_send_due() == 1
        assert reminders_send_due() == 0
    sent = Notification.objects.filter(recipient=cast.client_user)
    assert sent.exists()
    for notification in sent:  # no health information in any channel's text
        text = f"{notification.subject} {notification.body}".lower()
        for word in ("test", "drug", "urine", "alcohol", "sample", "breath"):
            assert word not in text


def test_a_client_who_looked_gets_no_reminder(cast, selected, client):
    client.force_login(cast.client_user)
    with time_machine.travel(datetime(2026, 11, 26, 7, 30, tzinfo=NY), tick=False):
        client.get("/me/")
    with time_machine.travel(datetime(2026, 11, 26, 8, 5, tzinfo=NY), tick=False):
        assert reminders_send_due() == 0
