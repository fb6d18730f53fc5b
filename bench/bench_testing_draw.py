"""Time the daily random draw for 100,000 clients on a testing policy. Goal: < 60 s on SQLite
(the job runs once a day per program; one draw is one pass: one read, bulk inserts). SQLite
splits the bulk inserts by its variable limit, hence ~1,300 queries; PostgreSQL needs ~50.

Runnable alone: `.venv/bin/python bench/bench_testing_draw.py [CLIENTS] [DAYS]`. Uses a
temporary SQLite file (or BENCH_DATABASE_URL for PostgreSQL), builds its own clients and policies
with bulk_create, then runs testing.services.draw_run for DAYS consecutive days (a day is drawn
once, so each run is a new day), counting the queries of each. Prints its figures and checks the
first day reproduces from its record; exits 1 over the goal.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta

from _harness import bare_sql, bench_client, bench_django, bench_program

GOAL_SECONDS = 60.0
# W4's bare baseline (issue 14): the SQL that finds the same rows, the policies in force that day.
BARE = """SELECT id, client_id, tests_per_period, period, window_days, window_start, window_end,
       site, observed, specimen_types FROM testing_testingpolicy
       WHERE program_id = %s AND status = 'active' AND start_date <= %s
       AND (end_date IS NULL OR end_date >= %s) ORDER BY id"""
RATES = [
    (2, "week", [0, 1, 2, 3, 4, 5, 6]),
    (1, "week", [0, 1, 2, 3, 4]),
    (4, "month", [0, 1, 2, 3, 4]),
]


def _build(clients: int):
    from datetime import time as clock

    from recoverypath.clients.models import Client
    from recoverypath.testing.models import TestingPolicy, TestPanel

    org, program = bench_program()
    Client.objects.bulk_create(
        (bench_client(org, program, i) for i in range(clients)), batch_size=5000
    )
    panel = TestPanel.objects.get(program=None, code="urine-5")
    ids = Client.objects.filter(program=program).values_list("id", flat=True).order_by("id")
    TestingPolicy.objects.bulk_create(
        (
            TestingPolicy(
                client_id=client_id,
                program=program,
                tests_per_period=RATES[i % 3][0],
                period=RATES[i % 3][1],
                window_days=RATES[i % 3][2],
                panel=panel,
                specimen_types=["urine"],
                window_start=clock(8),
                window_end=clock(17),
                site="Bench office (fictional)",
                start_date=date(2026, 1, 1),
            )
            for i, client_id in enumerate(ids)
        ),
        batch_size=5000,
    )
    return program


def main() -> int:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with bench_django("testing-draw", web=False):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from recoverypath.testing import draw
        from recoverypath.testing.models import DrawEntry, TestSelection
        from recoverypath.testing.services import draw_run

        started = time.perf_counter()
        program = _build(clients)
        built = time.perf_counter() - started

        first = date(2026, 12, 1)  # a Tuesday
        bare_s, found = bare_sql([(BARE, [program.id, first, first])])
        timings, cpu, queries, records = [], [], [], []
        for offset in range(days):
            with CaptureQueriesContext(connection) as captured:
                t0, c0 = time.perf_counter(), time.process_time()
                records.append(draw_run(program=program, day=first + timedelta(days=offset)))
                timings.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            queries.append(len(captured.captured_queries))

        record = records[0]
        entries = DrawEntry.objects.filter(draw=record).values(
            "policy_id", "tests_per_period", "period", "window_days", "probability", "value"
        )
        again = {
            pid
            for pid, chosen in draw.reproduce(
                seed_hex=record.seed, day=record.date, entries=entries
            )
            if chosen
        }
        stored = set(
            TestSelection.objects.filter(draw_entry__draw=record).values_list(
                "policy_id", flat=True
            )
        )
        print(f"database: {connection.vendor}")
        print(f"built {clients} clients with policies in {built:.1f} s")
        for record, seconds, used, count in zip(records, timings, cpu, queries, strict=True):
            print(
                f"draw {record.date}: {record.policies} policies drawn, {record.selected} "
                f"selected, {seconds:.2f} s ({used:.2f} s CPU in this process), {count} queries"
            )
        print(f"bare SQL (the {found} policies in force, best of 3): {bare_s * 1000:.0f} ms")
        print(
            f"daily draw for {clients} clients: median {statistics.median(timings):.2f} s "
            f"({statistics.median(timings) / bare_s:.0f}x bare SQL; goal < {GOAL_SECONDS:.0f} s)"
        )
        print(f"first day reproduced from its record: {again == stored} ({len(stored)} selected)")
        ok = statistics.median(timings) < GOAL_SECONDS and again == stored
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
