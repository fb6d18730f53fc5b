"""Group schedules in words (#18 part 7): "Tuesdays and Fridays, 9:00-12:00", not RRULE text."""

from __future__ import annotations

from datetime import date, time

import pytest

from recoverypath.scheduling.recurrence_words import schedule_in_words

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 1, 5)


@pytest.mark.parametrize(
    ("rule", "start", "minutes", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=TU,FR", time(9, 0), 180, "Tuesdays and Fridays, 9:00-12:00"),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE,TH",
            time(18, 30),
            90,
            "Mondays, Wednesdays and Thursdays, 18:30-20:00",
        ),
        ("RRULE:FREQ=WEEKLY;BYDAY=TH", time(9, 0), 60, "Thursdays, 9:00-10:00"),
        ("FREQ=WEEKLY", time(9, 0), 60, "Mondays, 9:00-10:00"),  # the start date's weekday
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(9, 0), 60, "Weekdays, 9:00-10:00"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            time(9, 0),
            60,
            "Every other week on Tuesday, 9:00-10:00",
        ),
        ("FREQ=DAILY", time(7, 0), 30, "Every day, 7:00-7:30"),
        ("FREQ=MONTHLY;BYDAY=1MO", time(9, 0), 60, "Repeats monthly, 9:00-10:00"),
        ("FREQ=WEEKLY;BYDAY=MO;BYSETPOS=1", time(9, 0), 60, "Repeats weekly, 9:00-10:00"),
        ("NOT A RULE", time(9, 0), 60, "Custom schedule, 9:00-10:00"),
        ("FREQ=WEEKLY;BYDAY=FR", time(23, 0), 120, "Fridays, 23:00-1:00"),
    ],
)
def test_a_rule_reads_in_words(rule, start, minutes, words):
    assert (
        schedule_in_words(rule=rule, start_date=MONDAY, start_time=start, duration_minutes=minutes)
        == words
    )


def test_the_group_pages_show_the_schedule_in_words_not_the_rule(client, cast, group_factory):
    group = group_factory(rrule="FREQ=WEEKLY;BYDAY=TU,FR")
    client.force_login(cast.clinician)
    listing = client.get("/schedule/groups/").content.decode()
    detail = client.get(f"/schedule/groups/{group.id}/").content.decode()
    for html in (listing, detail):
        assert "Tuesdays and Fridays, 9:00-12:00" in html
        assert "FREQ=" not in html
