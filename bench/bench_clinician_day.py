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

import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

GOAL_MS = 300.0


def main() -> int:
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    group_size = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    workdir = Path(tempfile.mkdtemp(prefix="rp-bench-day-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "recoverypath.settings",
            "VAR_DIR": str(workdir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "TESTING": "1",
            "HUEY_IMMEDIATE": "0",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_COOKIES": "0",
            "EMAIL_URL": "dummymail://",
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
            ),
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as WebClient
    from django.test.utils import CaptureQueriesContext

    test_db = None
    try:
        if connection.vendor == "sqlite":
            call_command("migrate", verbosity=0, interactive=False)
        else:
            test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        started = time.perf_counter()
        clinician, small_day, big_day = _build(sessions=sessions, group_size=group_size)
        built = time.perf_counter() - started
        web = WebClient()
        web.force_login(clinician)
        url = "/schedule/"
        web.get(url, {"date": big_day.isoformat()}, secure=True)
        with CaptureQueriesContext(connection) as small:
            web.get(url, {"date": small_day.isoformat()}, secure=True)
        with CaptureQueriesContext(connection) as big:
            page = web.get(url, {"date": big_day.isoformat()}, secure=True)
        # Counted now: later requests reset the connection's query log.
        small_queries, big_queries = len(small.captured_queries), len(big.captured_queries)
        shown = page.content.decode().count('data-testid="session-')
        timings = []
        for _ in range(runs):
            t0 = time.perf_counter()
            assert web.get(url, {"date": big_day.isoformat()}, secure=True).status_code == 200
            timings.append((time.perf_counter() - t0) * 1000)
        week = []
        for _ in range(max(3, runs // 5)):
            t0 = time.perf_counter()
            web.get("/schedule/week/", {"date": big_day.isoformat()}, secure=True)
            week.append((time.perf_counter() - t0) * 1000)
        median = statistics.median(timings)
        print(f"database: {connection.vendor}")
        print(f"built in {built:.1f} s; sessions on the big day: {shown}")
        print(
            f"queries: small day {small_queries}, "
            f"big day ({sessions} sessions, groups of {group_size}) {big_queries}"
        )
        print(
            f"day view over {runs} runs: median {median:.1f} ms, min {min(timings):.1f} ms, "
            f"max {max(timings):.1f} ms (goal < {GOAL_MS:.0f} ms)"
        )
        print(f"week view: median {statistics.median(week):.1f} ms")
        ok = median < GOAL_MS and small_queries == big_queries
        return 0 if ok else 1
    finally:
        if test_db is not None:
            connection.creation.destroy_test_db(test_db, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


def _build(*, sessions: int, group_size: int):
    from recoverypath.accounts.models import Membership, Organization, Program, User
    from recoverypath.clients.models import Client
    from recoverypath.scheduling.models import Group, GroupEnrollment, Session

    org = Organization.objects.create(name="Bench Recovery (fictional)", slug="bench")
    program = Program.objects.create(
        organization=org, name="Bench IOP", slug="bench-iop", time_zone="UTC"
    )
    clinician = User.objects.create_user(
        "clinician@bench.example.org", "bench-pass-42", time_zone="UTC"
    )
    Membership.objects.create(user=clinician, program=program, role="clinician")
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
        Client(
            organization=org,
            program=program,
            mrn=f"B{i:05d}",
            first_name=f"Benchperson{i}",
            last_name="Fictional",
            date_of_birth=date(1985, 1, 1),
        )
        for i in range(sessions * group_size)
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
