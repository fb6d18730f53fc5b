"""Daily check-in: one per client per local day, validated field by field, never lost."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from recoverypath.monitoring.models import CheckIn, Lapse
from tests.conftest import api_as

URL = "/api/v1/check-ins/"


def _post(user, data):
    return api_as(user).post(URL, data, format="json")


def test_a_client_submits_todays_check_in(cast, good_check_in):
    with time_machine.travel(datetime(2026, 6, 10, 15, 0, tzinfo=UTC)):
        response = _post(cast.client_user, good_check_in)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["date"] == "2026-06-10"
    assert body["mood"] == 4 and body["triggers"] == ["stress"]
    assert body["client"] == cast.client.id


def test_submitting_again_the_same_local_day_updates_it(cast, good_check_in):
    with time_machine.travel(datetime(2026, 6, 10, 13, 0, tzinfo=UTC)):
        first = _post(cast.client_user, good_check_in)
    with time_machine.travel(datetime(2026, 6, 11, 3, 59, tzinfo=UTC)):  # 23:59 in New York
        second = _post(cast.client_user, {**good_check_in, "mood": 2, "craving": 8})
    assert first.status_code == 201 and second.status_code == 200
    assert CheckIn.objects.filter(client=cast.client).count() == 1
    row = CheckIn.objects.get(client=cast.client)
    assert (row.date, row.mood, row.craving, row.revision) == (date(2026, 6, 10), 2, 8, 2)


def test_just_after_local_midnight_is_a_new_day_and_keeps_yesterday(cast, good_check_in):
    with time_machine.travel(datetime(2026, 6, 11, 3, 59, tzinfo=UTC)):  # 23:59 EDT, Jun 10
        _post(cast.client_user, good_check_in)
    with time_machine.travel(datetime(2026, 6, 11, 4, 1, tzinfo=UTC)):  # 00:01 EDT, Jun 11
        response = _post(cast.client_user, {**good_check_in, "mood": 5})
    assert response.status_code == 201
    rows = dict(CheckIn.objects.filter(client=cast.client).values_list("date", "mood"))
    assert rows == {date(2026, 6, 10): 4, date(2026, 6, 11): 5}


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Pacific/Honolulu", date(2026, 1, 14)),  # 14:30 the day before
        ("America/New_York", date(2026, 1, 14)),  # 19:30
        ("Europe/London", date(2026, 1, 15)),  # 00:30
        ("Asia/Tokyo", date(2026, 1, 15)),  # 09:30
        ("Pacific/Kiritimati", date(2026, 1, 15)),  # UTC+14
    ],
)
def test_the_day_is_the_clients_local_day_in_every_time_zone(cast, good_check_in, zone, expected):
    cast.client.time_zone = zone
    cast.client.save(update_fields=["time_zone"])
    with time_machine.travel(datetime(2026, 1, 15, 0, 30, tzinfo=UTC)):
        response = _post(cast.client_user, good_check_in)
        again = _post(cast.client_user, {**good_check_in, "stress": 9})
    assert response.json()["date"] == expected.isoformat()
    assert again.status_code == 200
    assert CheckIn.objects.filter(client=cast.client).count() == 1


def test_dst_fall_back_night_still_counts_as_one_day(cast, good_check_in):
    # Nov 1 2026: New York clocks go back at 02:00; 01:30 happens twice, same local day.
    with time_machine.travel(datetime(2026, 11, 1, 5, 30, tzinfo=UTC)):  # 01:30 EDT
        _post(cast.client_user, good_check_in)
    with time_machine.travel(datetime(2026, 11, 1, 6, 30, tzinfo=UTC)):  # 01:30 EST
        response = _post(cast.client_user, {**good_check_in, "mood": 1})
    assert response.status_code == 200
    assert CheckIn.objects.get(client=cast.client).date == date(2026, 11, 1)


def test_a_late_check_in_for_an_earlier_day_never_overwrites_another_day(cast, good_check_in):
    with time_machine.travel(datetime(2026, 6, 12, 15, 0, tzinfo=UTC)):
        _post(cast.client_user, good_check_in)
        response = _post(cast.client_user, {**good_check_in, "date": "2026-06-10", "mood": 1})
    assert response.status_code == 201
    rows = dict(CheckIn.objects.filter(client=cast.client).values_list("date", "mood"))
    assert rows == {date(2026, 6, 12): 4, date(2026, 6, 10): 1}


def test_it_rejects_a_future_date_with_a_field_message(cast, good_check_in):
    with time_machine.travel(datetime(2026, 6, 10, 15, 0, tzinfo=UTC)):
        response = _post(cast.client_user, {**good_check_in, "date": "2026-06-11"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["date"] == ["A check-in cannot be for a future day."]
    assert not CheckIn.objects.exists()


def test_it_accepts_three_days_back_and_rejects_four(cast, good_check_in):
    with time_machine.travel(datetime(2026, 6, 10, 15, 0, tzinfo=UTC)):
        ok = _post(cast.client_user, {**good_check_in, "date": "2026-06-07"})
        too_old = _post(cast.client_user, {**good_check_in, "date": "2026-06-06"})
    assert ok.status_code == 201
    assert too_old.status_code == 400
    assert "3 days back" in too_old.json()["error"]["fields"]["date"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mood", 0),
        ("mood", 6),
        ("mood", "abc"),
        ("mood", 2.5),
        ("craving", -1),
        ("craving", 11),
        ("stress", 11),
        ("sleep_hours", 25),
        ("sleep_hours", -1),
        ("sleep_hours", "lots"),
        ("used", "maybe"),
        ("triggers", ["not-a-trigger"]),
        ("date", "10/06/2026"),
    ],
)
def test_it_rejects_out_of_range_values_with_field_messages(cast, good_check_in, field, value):
    response = _post(cast.client_user, {**good_check_in, field: value})
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not CheckIn.objects.exists()


def test_a_missing_value_is_named(cast, good_check_in):
    data = dict(good_check_in)
    del data["craving"]
    response = _post(cast.client_user, data)
    assert response.json()["error"]["fields"]["craving"] == ["This field is required."]


def test_a_rejected_resubmission_keeps_the_earlier_check_in(cast, good_check_in):
    _post(cast.client_user, good_check_in)
    response = _post(cast.client_user, {**good_check_in, "mood": 9})
    assert response.status_code == 400
    assert CheckIn.objects.get(client=cast.client).mood == 4


def test_a_reported_use_needs_what_was_used(cast, good_check_in):
    response = _post(cast.client_user, {**good_check_in, "used": True, "substances": []})
    assert response.status_code == 400
    assert "substances" in response.json()["error"]["fields"]


def test_a_reported_use_records_a_lapse_and_a_later_no_keeps_it(cast, good_check_in):
    _post(cast.client_user, {**good_check_in, "used": True, "substances": ["alcohol"]})
    lapse = Lapse.objects.get(client=cast.client)
    assert lapse.substance == "Alcohol" and lapse.counter_restarted is None
    _post(cast.client_user, good_check_in)
    assert Lapse.objects.filter(client=cast.client).count() == 1


@pytest.mark.parametrize("who", ["admin", "clinician", "coordinator", "front_desk"])
def test_only_the_client_themself_may_submit(cast, good_check_in, who):
    response = _post(getattr(cast, who), good_check_in)
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_an_anonymous_caller_may_not_submit(cast, good_check_in):
    assert _post(None, good_check_in).status_code in (401, 403)


def test_a_check_in_without_an_answer_about_use_is_refused_not_taken_as_no(cast, good_check_in):
    body = {k: v for k, v in good_check_in.items() if k != "used"}
    response = _post(cast.client_user, body)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["used"] == ["Answer yes or no."]
    assert not CheckIn.objects.exists()
