"""Time the coordinator dashboard for 200 aftercare clients with 90 days of check-ins each.
Goal: median < 300 ms on SQLite, and the same number of queries on every page.

Runnable alone: `.venv/bin/python bench/bench_coordinator_dashboard.py [CLIENTS] [DAYS] [RUNS]`.
Uses a temporary SQLite file (or BENCH_DATABASE_URL for PostgreSQL, like bench_demo.py), builds
its own data with bulk_create, then requests /aftercare/caseload/ as the coordinator through
Django's test client (the whole stack: middleware, auth, audit, template). Prints its figures;
exits 1 over the goal.
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

GOAL_MS = 300.0


def main() -> int:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 90
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    workdir = Path(tempfile.mkdtemp(prefix="rp-bench-dash-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "recoverypath.settings",
            "VAR_DIR": str(workdir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "TESTING": "1",  # plain static storage: no collectstatic manifest needed
            "HUEY_IMMEDIATE": "1",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_COOKIES": "0",
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
    from django.db import connection, reset_queries
    from django.test import Client as WebClient
    from django.test.utils import CaptureQueriesContext

    test_db = None
    try:
        if connection.vendor == "sqlite":
            call_command("migrate", verbosity=0, interactive=False)
        else:
            test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        started = time.perf_counter()
        coordinator = _build(clients=clients, days=days)
        built = time.perf_counter() - started

        web = WebClient()
        web.force_login(coordinator)
        url = "/aftercare/caseload/"
        first = web.get(url, secure=True)
        if first.status_code != 200:
            print(f"dashboard answered {first.status_code}")
            return 1
        timings = []
        for _ in range(runs):
            reset_queries()
            t0 = time.perf_counter()
            response = web.get(url, secure=True)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as page1:
            web.get(url, secure=True)
        with CaptureQueriesContext(connection) as last:
            web.get(url + "?page=999", secure=True)
        median = statistics.median(timings)
        rows = first.content.decode().count('class="sparkline"')
        print(f"database: {connection.vendor}")
        print(f"built {clients} clients x {days} days of check-ins in {built:.1f} s")
        print(f"rows on the page: {rows} (sparklines rendered server-side)")
        print(
            f"queries: first page {len(page1.captured_queries)}, last page "
            f"{len(last.captured_queries)}"
        )
        print(
            f"dashboard over {runs} runs: median {median:.1f} ms, "
            f"min {min(timings):.1f} ms, max {max(timings):.1f} ms (goal < {GOAL_MS:.0f} ms)"
        )
        ok = median < GOAL_MS and len(page1.captured_queries) == len(last.captured_queries)
        return 0 if ok else 1
    finally:
        if test_db is not None:
            connection.creation.destroy_test_db(test_db, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


def _build(*, clients: int, days: int):
    from django.utils import timezone

    from recoverypath.accounts.models import Membership, Organization, Program, User
    from recoverypath.aftercare.models import AftercarePlan, CoordinatorCheckIn, PlanComponent
    from recoverypath.alerts.models import Alert
    from recoverypath.clients.models import Client
    from recoverypath.monitoring.models import CheckIn

    rng = random.Random(1)
    today = timezone.localdate()
    org = Organization.objects.create(name="Bench Recovery (fictional)", slug="bench")
    program = Program.objects.create(
        organization=org, name="Bench IOP", slug="bench-iop", time_zone="America/New_York"
    )
    coordinator = User.objects.create_user("coordinator@bench.example.org", "bench-pass-42")
    Membership.objects.create(user=coordinator, program=program, role="coordinator")
    Client.objects.bulk_create(
        [
            Client(
                organization=org,
                program=program,
                mrn=f"B{i:05d}",
                first_name=f"Benchperson{i}",
                last_name="Fictional",
                date_of_birth=date(1985, 1, 1),
                coordinator=coordinator,
                sobriety_date=today - timedelta(days=rng.randint(3, 400)),
            )
            for i in range(clients)
        ],
        batch_size=1000,
    )
    made = list(Client.objects.filter(program=program).order_by("id"))
    plans = AftercarePlan.objects.bulk_create(
        [
            AftercarePlan(
                client=c,
                program=program,
                coordinator=coordinator,
                start_date=today - timedelta(days=days),
                end_date=today + timedelta(days=90),
            )
            for c in made
        ]
    )
    PlanComponent.objects.bulk_create(
        [
            PlanComponent(plan=p, kind=kind, expected_per_week=n)
            for p in plans
            for kind, n in (("therapy", 1), ("support_group", 3))
        ]
    )
    now = timezone.now()
    CoordinatorCheckIn.objects.bulk_create(
        [
            CoordinatorCheckIn(
                plan=p,
                client_id=p.client_id,
                coordinator=coordinator,
                scheduled_at=now + timedelta(days=rng.randint(1, 14)),
            )
            for p in plans
        ]
    )
    rows = [
        CheckIn(
            client=c,
            date=today - timedelta(days=d),
            mood=rng.randint(1, 5),
            craving=rng.randint(0, 10),
            sleep_hours=7,
            stress=rng.randint(0, 10),
        )
        for c in made
        for d in range(days)
        if rng.random() > 0.1
    ]
    CheckIn.objects.bulk_create(rows, batch_size=5000)
    Alert.objects.bulk_create(
        [
            Alert(
                client=c,
                kind="monitoring.high_craving",
                severity=rng.choice(["critical", "high", "medium"]),
                reason="Bench alert",
                dedup_key=f"bench:{c.id}",
                raised_at=now,
                last_raised_at=now,
            )
            for c in made[::5]
        ]
    )
    return coordinator


if __name__ == "__main__":
    sys.exit(main())
