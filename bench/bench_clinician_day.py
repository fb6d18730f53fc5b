"""Time a clinician's day and week views: 40 sessions a day (39 groups of 15 clients and one
individual session).
Goals: day view median < 300 ms on SQLite; the same number of queries for a day of 2 sessions
(a group of 1 and an individual session) as for the day of 40.

Runnable alone: `.venv/bin/python bench/bench_clinician_day.py [SESSIONS] [GROUP_SIZE] [RUNS]`.
Uses a temporary SQLite file (or BENCH_DATABASE_URL for PostgreSQL), builds its own data with
bulk_create, then requests /schedule/ and /schedule/week/ as the clinician through Django's test
client (the whole stack). Prints its figures; exits 1 over a goal.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta

from _harness import (
    bench_client,
    bench_django,
    bench_member,
    bench_program,
    counted_get,
    logged_in,
    time_get,
)

GOAL_MS = 300.0


def main() -> int:
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    group_size = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    with bench_django("day"):
        from django.db import connection

        started = time.perf_counter()
        clinician, small_day, big_day = _build(sessions=sessions, group_size=group_size)
        built = time.perf_counter() - started
        web = logged_in(clinician)
        url = "/schedule/"
        big = {"date": big_day.isoformat()}
        web.get(url, big, secure=True)
        _, small_queries = counted_get(web, url, {"date": small_day.isoformat()})
        page, big_queries = counted_get(web, url, big)
        shown = page.content.decode().count('data-testid="session-')
        day = time_get(web, url, runs, data=big, count_queries=False)
        week = time_get(
            web, "/schedule/week/", max(3, runs // 5), data=big, status=None, count_queries=False
        )
        print(f"database: {connection.vendor}")
        print(f"built in {built:.1f} s; sessions on the big day: {shown}")
        print(
            f"queries: small day {small_queries}, "
            f"big day ({sessions} sessions, groups of {group_size}) {big_queries}"
        )
        print(f"day view over {runs} runs: {day.summary()} (goal < {GOAL_MS:.0f} ms)")
        print(f"week view: median {week.median_ms:.1f} ms")
        ok = day.median_ms < GOAL_MS and small_queries == big_queries
        return 0 if ok else 1


def _build(*, sessions: int, group_size: int):
    from recoverypath.clients.models import Client
    from recoverypath.scheduling.models import Group, GroupEnrollment, Session

    org, program = bench_program(time_zone="UTC")
    clinician = bench_member(program, "clinician", time_zone="UTC")
    day = datetime.now(tz=UTC).date() + timedelta(days=10)
    small_day = day + timedelta(days=1)
    groups = Group.objects.bulk_create(
        Group(
            program=program,
            name=f"Bench group {i}",
            facilitator=clinician,
            rrule="FREQ=DAILY;COUNT=1",
            start_date=day,
            start_time=datetime.min.time(),
            duration_minutes=15,
            capacity=group_size,
        )
        for i in range(sessions - 1)
    )
    people = Client.objects.bulk_create(
        bench_client(org, program, i) for i in range(sessions * group_size)
    )
    GroupEnrollment.objects.bulk_create(
        GroupEnrollment(
            group=g,
            client=people[gi * group_size + k],
            status="active",
            joined_on=day - timedelta(days=30),
        )
        for gi, g in enumerate(groups)
        for k in range(group_size)
    )
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
    Session.objects.bulk_create(
        Session(
            program=program,
            group=g,
            session_type="group_therapy",
            facilitator=clinician,
            starts_at=start + timedelta(minutes=15 * i),
            ends_at=start + timedelta(minutes=15 * i + 15),
            occurrence_date=day,
        )
        for i, g in enumerate(groups)
    )
    # Both days hold an individual session too (its client's read is audited: one INSERT).
    small_start = start + timedelta(days=1)
    Session.objects.bulk_create(
        Session(
            program=program,
            client=people[0],
            session_type="individual_counseling",
            facilitator=clinician,
            starts_at=begin + timedelta(hours=12),
            ends_at=begin + timedelta(hours=12, minutes=50),
        )
        for begin in (start, small_start)
    )
    small_group = Group.objects.create(
        program=program,
        name="Small group",
        facilitator=clinician,
        rrule="FREQ=DAILY;COUNT=1",
        start_date=small_day,
        start_time=datetime.min.time(),
        duration_minutes=15,
        capacity=1,
    )
    GroupEnrollment.objects.create(
        group=small_group, client=people[1], status="active", joined_on=small_day
    )
    Session.objects.create(
        program=program,
        group=small_group,
        session_type="group_therapy",
        facilitator=clinician,
        starts_at=small_start,
        ends_at=small_start + timedelta(minutes=15),
        occurrence_date=small_day,
    )
    return clinician, small_day, day


if __name__ == "__main__":
    sys.exit(main())
