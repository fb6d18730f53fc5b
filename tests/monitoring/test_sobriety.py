"""Sobriety arithmetic (hypothesis, across leap years and time zones) and milestones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoverypath.clients.models import SobrietyStreak
from recoverypath.clients.sobriety import (
    milestone_next,
    milestones_from,
    milestones_reached,
    restart_date,
    sobriety_restart,
    sobriety_summary,
    sobriety_summary_for,
)
from recoverypath.monitoring.models import MilestoneCelebration
from recoverypath.monitoring.services import milestone_celebrate_due
from tests.conftest import api_as

ZONES = [
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]
days = st.dates(min_value=date(1996, 1, 1), max_value=date(2040, 12, 31))
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2039, 12, 31), timezones=st.just(UTC)
)


@given(start=days, gap=st.integers(0, 4000))
def test_days_sober_grows_by_exactly_one_each_day(start, gap):
    today = start + timedelta(days=gap)
    a = sobriety_summary(sobriety_date=start, closed_streaks=[], today=today)
    b = sobriety_summary(sobriety_date=start, closed_streaks=[], today=today + timedelta(days=1))
    assert a.days_sober == gap
    assert b.days_sober == gap + 1


@given(start=days, gap=st.integers(0, 4000))
def test_milestones_are_ordered_and_split_at_today(start, gap):
    today = start + timedelta(days=gap)
    reached = milestones_reached(start, today)
    nxt = milestone_next(start, today)
    dates = [m.reached_on for m in reached] + [nxt.reached_on]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert all(m.reached_on <= today for m in reached)
    assert nxt.reached_on > today


@given(year=st.sampled_from([1996, 2000, 2004, 2024, 2028, 2032]))
def test_a_leap_day_start_reaches_its_anniversaries_on_feb_28_or_feb_29(year):
    start = date(year, 2, 29)
    by_key = {m.key: m.reached_on for m in _first(start, 14)}
    assert by_key["1y"] == date(year + 1, 2, 28)
    assert by_key["4y"] == date(year + 4, 2, 29)
    assert by_key["6m"] == date(year, 8, 29)
    assert by_key["18m"] == date(year + 1, 8, 29)
    assert by_key["24h"] == date(year, 3, 1)


@given(start=days)
def test_day_milestones_count_calendar_days_through_leap_years(start):
    by_key = {m.key: m.reached_on for m in _first(start, 5)}
    for key, n in (("24h", 1), ("7d", 7), ("30d", 30), ("60d", 60), ("90d", 90)):
        assert (by_key[key] - start).days == n


def _first(start, n):
    out = []
    for m in milestones_from(start):
        out.append(m)
        if len(out) == n:
            return out
    return out


@given(
    start=days,
    streaks=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), max_size=5),
    lapses=st.lists(st.integers(0, 3000), max_size=10),
    extra=st.integers(0, 2000),
)
def test_longest_streak_and_total_sober_days_are_consistent(start, streaks, lapses, extra):
    closed, cursor = [], start
    for gap, length in streaks:
        s = cursor + timedelta(days=gap)
        closed.append((s, s + timedelta(days=length)))
        cursor = s + timedelta(days=length)
    today = cursor + timedelta(days=extra)
    summary = sobriety_summary(
        sobriety_date=cursor,
        closed_streaks=closed,
        today=today,
        since=start,
        lapse_dates=[start + timedelta(days=d) for d in lapses],
    )
    span = (today - start).days
    assert summary.days_sober == extra
    assert summary.longest_streak_days == max([extra] + [length for _, length in streaks])
    assert summary.longest_streak_days >= summary.days_sober
    assert 0 <= summary.total_sober_days <= span
    in_range = {d for d in lapses if d < span}
    assert summary.total_sober_days == span - len(in_range)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(instant=instants, zone=st.sampled_from(ZONES), back=st.integers(0, 800))
def test_days_sober_counts_in_the_clients_own_time_zone(cast, instant, zone, back):
    local_today = instant.astimezone(ZoneInfo(zone)).date()
    client = cast.client
    client.time_zone = zone
    client.sobriety_date = local_today - timedelta(days=back)
    with time_machine.travel(instant, tick=False):
        summary = sobriety_summary_for(client)
        assert client.sobriety_days() == back
    assert summary.days_sober == back
    assert summary.next_milestone.reached_on > local_today


def test_the_client_json_has_days_sober_longest_streak_and_next_milestone(cast):
    from recoverypath.clients.models import SobrietyStreak

    cast.client.sobriety_date = date(2026, 5, 1)
    cast.client.save(update_fields=["sobriety_date"])
    SobrietyStreak.objects.create(
        client=cast.client, start_date=date(2025, 1, 1), end_date=date(2025, 4, 11)
    )
    with time_machine.travel(datetime(2026, 6, 10, 15, 0, tzinfo=UTC), tick=False):
        body = api_as(cast.coordinator).get(f"/api/v1/clients/{cast.client.id}/").json()
    assert body["days_sober"] == 40
    assert body["longest_streak_days"] == 100
    assert body["next_milestone"] == {
        "key": "60d",
        "label": "60 days",
        "date": "2026-06-30",
        "days_to_go": 20,
    }


def test_the_client_list_adds_sobriety_without_a_query_per_row(cast, django_assert_max_num_queries):
    from tests.factories import ClientFactory

    ClientFactory.create_batch(15, program=cast.program, sobriety_date=date(2026, 1, 1))
    api = api_as(cast.coordinator)
    with django_assert_max_num_queries(8) as small:
        api.get("/api/v1/clients/?page_size=5")
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = api.get("/api/v1/clients/?page_size=17").json()
    assert all("days_sober" in row for row in body["results"])


class TestMilestones:
    @pytest.fixture
    def sober(self, cast):
        cast.client.sobriety_date = date(2026, 6, 1)
        cast.client.save(update_fields=["sobriety_date"])
        return cast.client

    def _on(self, day):
        return time_machine.travel(datetime(day.year, day.month, day.day, 16, tzinfo=UTC))

    def test_nothing_to_celebrate_on_day_zero(self, sober):
        with self._on(date(2026, 6, 1)):
            assert milestone_celebrate_due(client=sober) is None

    def test_each_milestone_is_celebrated_exactly_once(self, sober):
        shown = []
        for offset in range(0, 100):
            with self._on(date(2026, 6, 1) + timedelta(days=offset)):
                for _visit in range(3):  # several home page visits a day
                    m = milestone_celebrate_due(client=sober)
                    if m:
                        shown.append(m.key)
        assert shown == ["24h", "7d", "30d", "60d", "90d"]
        assert MilestoneCelebration.objects.filter(client=sober).count() == 5

    def test_a_late_visit_celebrates_only_the_newest_and_never_the_older_ones(self, sober):
        with self._on(date(2026, 7, 5)):
            assert milestone_celebrate_due(client=sober).key == "30d"
            assert milestone_celebrate_due(client=sober) is None
        assert set(MilestoneCelebration.objects.values_list("key", flat=True)) == {
            "24h",
            "7d",
            "30d",
        }

    def test_a_restarted_counter_celebrates_its_milestones_again(self, sober):
        with self._on(date(2026, 6, 9)):
            assert milestone_celebrate_due(client=sober).key == "7d"
        # A lapse on Jun 9 restarts the count from the day after it, Jun 10: the first whole
        # day without use, as 12-step fellowships count (clients/sobriety.py, "Restart
        # convention"). "24 hours" is then Jun 11, not the morning after the lapse.
        sober.sobriety_date = date(2026, 6, 10)
        sober.save(update_fields=["sobriety_date"])
        with self._on(date(2026, 6, 10)):
            assert milestone_celebrate_due(client=sober) is None
        with self._on(date(2026, 6, 11)):
            assert milestone_celebrate_due(client=sober).key == "24h"

    def test_the_home_page_shows_a_milestone_once(self, client, sober, cast):
        client.force_login(cast.client_user)
        with self._on(date(2026, 6, 8)):
            assert "7 days sober!" in client.get("/me/").content.decode()
            assert "7 days sober!" not in client.get("/me/").content.decode()


# ---- restart after a lapse: the day after the lapse, across a leap day --------------------------
@pytest.mark.parametrize(
    ("lapse", "restart"),
    [
        (date(2028, 2, 28), date(2028, 2, 29)),  # leap year: Feb 29 is the first sober day
        (date(2028, 2, 29), date(2028, 3, 1)),
        (date(2027, 2, 28), date(2027, 3, 1)),  # common year: straight to Mar 1
        (date(2027, 12, 31), date(2028, 1, 1)),
    ],
)
def test_the_restart_date_is_the_day_after_the_lapse_across_month_year_and_leap_day(lapse, restart):
    assert restart_date(lapse) == restart
    assert restart_date(lapse, from_lapse_day=True) == lapse


@pytest.mark.django_db
def test_restarting_after_a_lapse_on_feb_28_of_a_leap_year_counts_from_feb_29(cast):
    cast.client.sobriety_date = date(2028, 1, 1)
    cast.client.time_zone = "America/New_York"
    cast.client.save(update_fields=["sobriety_date", "time_zone"])
    with time_machine.travel(datetime(2028, 2, 28, 20, tzinfo=UTC)):
        sobriety_restart(actor=cast.client_user, client=cast.client, lapse_date=date(2028, 2, 28))
    cast.client.refresh_from_db()
    assert cast.client.sobriety_date == date(2028, 2, 29)
    streak = SobrietyStreak.objects.get(client=cast.client)
    assert (streak.start_date, streak.end_date) == (date(2028, 1, 1), date(2028, 2, 28))
    by_key = {m.key: m.reached_on for m in _first(cast.client.sobriety_date, 9)}
    assert by_key["24h"] == date(2028, 3, 1)
    assert by_key["7d"] == date(2028, 3, 7)
    assert by_key["30d"] == date(2028, 3, 30)
    assert by_key["1y"] == date(2029, 2, 28)
    with time_machine.travel(datetime(2028, 2, 29, 20, tzinfo=UTC)):
        summary = sobriety_summary_for(cast.client, lapse_dates=[date(2028, 2, 28)])
        assert summary.days_sober == 0  # the first sober day has not yet been completed
        assert summary.next_milestone.key == "24h"
        assert summary.longest_streak_days == 58  # Jan 1 to Feb 27, the lapse day not counted
    with time_machine.travel(datetime(2028, 3, 1, 20, tzinfo=UTC)):
        assert sobriety_summary_for(cast.client).days_sober == 1


@pytest.mark.django_db
def test_the_api_restarts_from_the_lapse_day_when_the_client_chooses_it(cast):
    from recoverypath.monitoring.models import Lapse

    cast.client.sobriety_date = date(2026, 3, 1)
    cast.client.save(update_fields=["sobriety_date"])
    lapse = Lapse.objects.create(client=cast.client, date=date(2026, 6, 10), substance="Alcohol")
    with time_machine.travel(datetime(2026, 6, 10, 18, tzinfo=UTC)):
        response = api_as(cast.client_user).post(
            f"/api/v1/lapses/{lapse.id}/restart-counter/",
            {"restart": True, "count_from": "lapse_day"},
        )
    assert response.status_code == 200, response.content
    cast.client.refresh_from_db()
    assert cast.client.sobriety_date == date(2026, 6, 10)
