"""The daily draw: set-based, recorded, reproducible from its record alone, drawn once a day."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recoverypath.testing import draw
from recoverypath.testing.models import DrawEntry, SelectionDraw, TestSelection
from recoverypath.testing.services import draw_run, draws_run_due
from tests.factories import ClientFactory

from .conftest import make_policy

DAY = date(2026, 11, 26)  # a Thursday


def _clients(cast, n):
    return [ClientFactory(program=cast.program) for _ in range(n)]


def test_a_days_selection_is_reproduced_from_its_draw_record_alone(cast):
    for i, client in enumerate(_clients(cast, 40)):
        make_policy(client, tests_per_period=1 + i % 5, window_days=[0, 1, 2, 3, 4, 5, 6])
    record = draw_run(program=cast.program, day=DAY)
    selected_now = set(
        TestSelection.objects.filter(date=DAY, kind="random").values_list("policy_id", flat=True)
    )
    assert record.selected == len(selected_now) > 0
    # The auditor holds the stored record only: the seed, the day, each entry's policy terms.
    stored = SelectionDraw.objects.values("seed", "date").get(pk=record.pk)
    entries = [
        {
            "policy_id": e.policy_id,
            "tests_per_period": e.tests_per_period,
            "period": e.period,
            "window_days": e.window_days,
            "probability": e.probability,
            "value": e.value,
        }
        for e in DrawEntry.objects.filter(draw=record)
    ]
    recomputed = draw.reproduce(seed_hex=stored["seed"], day=stored["date"], entries=entries)
    assert {pid for pid, chosen in recomputed if chosen} == selected_now
    assert len(recomputed) == 40


def test_a_tampered_value_is_caught_by_the_reproduction(cast, policy):
    record = draw_run(program=cast.program, day=DAY)
    entry = DrawEntry.objects.get(draw=record)
    with pytest.raises(ValueError, match="value differs"):
        draw.reproduce(
            seed_hex=record.seed,
            day=DAY,
            entries=[
                {
                    "policy_id": entry.policy_id,
                    "tests_per_period": entry.tests_per_period,
                    "period": entry.period,
                    "window_days": entry.window_days,
                    "value": entry.value / 2 + 0.0001,
                }
            ],
        )


def test_the_seed_comes_from_the_os_csprng_and_differs_every_day(cast, policy):
    first = draw_run(program=cast.program, day=DAY)
    second = draw_run(program=cast.program, day=date(2026, 11, 27))
    assert len(bytes.fromhex(first.seed)) == 32
    assert first.seed != second.seed
    assert first.algorithm == draw.ALGORITHM


def test_a_day_is_drawn_once_and_never_re_rolled(cast, policy):
    first = draw_run(program=cast.program, day=DAY, seed=b"\x00" * 32)
    again = draw_run(program=cast.program, day=DAY, seed=b"\x01" * 32)
    assert again.pk == first.pk and again.seed == first.seed
    assert DrawEntry.objects.count() == 1


def test_policies_outside_their_dates_or_window_day_are_not_drawn(cast):
    a, b, c, d = _clients(cast, 4)
    in_force = make_policy(a)
    make_policy(b, window_days=[0, 1, 2])  # Thursday is not in the window
    make_policy(c, start_date=date(2026, 12, 1))
    make_policy(d, start_date=date(2026, 1, 1), end_date=date(2026, 11, 25))
    draw_run(program=cast.program, day=DAY)
    assert list(DrawEntry.objects.values_list("policy_id", flat=True)) == [in_force.id]


def test_a_selection_carries_the_window_in_the_programs_time_zone(cast):
    client = _clients(cast, 1)[0]
    make_policy(client, tests_per_period=7, window_start=time(8), window_end=time(17))
    draw_run(program=cast.program, day=DAY)
    selection = TestSelection.objects.get(client=client)
    zone = ZoneInfo("America/New_York")
    assert selection.window_opens_at == datetime(2026, 11, 26, 8, tzinfo=zone)
    assert selection.window_closes_at == datetime(2026, 11, 26, 17, tzinfo=zone)
    assert selection.site.startswith("Program A office")


def test_the_draw_runs_in_the_same_number_of_queries_for_3_or_40_clients(
    cast, django_assert_num_queries
):
    """(Within one bulk batch: SQLite splits inserts of many rows by its variable limit.)"""
    for client in _clients(cast, 3):
        make_policy(client, tests_per_period=7)
    with django_assert_num_queries(7):
        draw_run(program=cast.program, day=DAY)
    for client in _clients(cast, 37):
        make_policy(client, tests_per_period=7)
    with django_assert_num_queries(7):
        draw_run(program=cast.program, day=date(2026, 11, 27))
    assert TestSelection.objects.filter(date=date(2026, 11, 27)).count() == 40


def test_the_job_draws_each_programs_local_today(cast, policy):
    make_policy(cast.other_program_client)
    with time_machine.travel(datetime(2026, 11, 27, 5, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        draws = draws_run_due()
    # 00:30 in New York is Nov 27; 22:30 in Denver is still Nov 26.
    assert {(d.program_id, d.date) for d in draws} == {
        (cast.program.id, date(2026, 11, 27)),
        (cast.other_program.id, date(2026, 11, 26)),
    }
