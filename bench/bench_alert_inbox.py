"""Time the alert inbox with 10,000 alerts and the escalation job over 1,000 overdue alerts.
Goals: inbox median < 300 ms on SQLite with the same number of queries on every page; the
escalation job under 60 ms per alert escalated (1,000 overdue alerts within its one-minute period).

Runnable alone: `.venv/bin/python bench/bench_alert_inbox.py [ALERTS] [RUNS]`. Uses a temporary
SQLite file (or BENCH_DATABASE_URL for PostgreSQL), builds its own data with bulk_create, then
requests /alerts/ as a coordinator through Django's test client (the whole stack). Prints its
figures; exits 1 over a goal.
"""

from __future__ import annotations

import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

INBOX_GOAL_MS = 300.0
ESCALATION_GOAL_MS = 60.0  # 1,000 escalations fit in the job's one-minute period


def main() -> int:
    alerts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    workdir = Path(tempfile.mkdtemp(prefix="rp-bench-alerts-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "recoverypath.settings",
            "VAR_DIR": str(workdir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "TESTING": "1",
            "HUEY_IMMEDIATE": "0",  # deliveries are queued (as in production), not run inline
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
        coordinator, program = _build(alerts=alerts)
        built = time.perf_counter() - started

        web = WebClient()
        web.force_login(coordinator)
        url = "/alerts/?status=all"
        first = web.get(url, secure=True)
        if first.status_code != 200:
            print(f"inbox answered {first.status_code}")
            return 1
        timings = []
        for _ in range(runs):
            t0 = time.perf_counter()
            assert web.get(url, secure=True).status_code == 200
            timings.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as page1:
            web.get(url, secure=True)
        with CaptureQueriesContext(connection) as last:
            web.get(url + "&page=9999", secure=True)
        median = statistics.median(timings)

        escalated, per_alert = _escalate(program)
        print(f"database: {connection.vendor}")
        print(f"built {alerts} alerts in {built:.1f} s")
        print(
            f"queries: first page {len(page1.captured_queries)}, "
            f"last page {len(last.captured_queries)}"
        )
        print(
            f"inbox over {runs} runs: median {median:.1f} ms, min {min(timings):.1f} ms, "
            f"max {max(timings):.1f} ms (goal < {INBOX_GOAL_MS:.0f} ms)"
        )
        print(
            f"escalation job: {escalated} alerts escalated, {per_alert:.1f} ms each "
            f"(goal < {ESCALATION_GOAL_MS:.0f} ms)"
        )
        ok = (
            median < INBOX_GOAL_MS
            and len(page1.captured_queries) == len(last.captured_queries)
            and per_alert < ESCALATION_GOAL_MS
        )
        return 0 if ok else 1
    finally:
        if test_db is not None:
            connection.creation.destroy_test_db(test_db, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


def _build(*, alerts: int):
    import random

    from django.utils import timezone

    from recoverypath.accounts.models import Membership, Organization, Program, User
    from recoverypath.alerts.models import Alert
    from recoverypath.clients.models import Client

    rng = random.Random(3)
    org = Organization.objects.create(name="Bench Recovery (fictional)", slug="bench")
    program = Program.objects.create(
        organization=org, name="Bench IOP", slug="bench-iop", time_zone="America/New_York"
    )
    coordinator = User.objects.create_user("coordinator@bench.example.org", "bench-pass-42")
    admin = User.objects.create_user("admin@bench.example.org", "bench-pass-42")
    Membership.objects.create(user=coordinator, program=program, role="coordinator")
    Membership.objects.create(user=admin, program=program, role="admin")
    Client.objects.bulk_create(
        Client(
            organization=org,
            program=program,
            mrn=f"B{i:05d}",
            first_name=f"Benchperson{i}",
            last_name="Fictional",
            date_of_birth=date(1985, 1, 1),
            coordinator=coordinator,
        )
        for i in range(max(alerts // 20, 1))
    )
    clients = list(Client.objects.filter(program=program))
    now = timezone.now()
    kinds = ["safety.phq9_item9", "monitoring.no_checkin", "attendance.unexcused_absences"]
    Alert.objects.bulk_create(
        (
            Alert(
                client=clients[i % len(clients)],
                kind=kinds[i % 3],
                severity=rng.choice(["critical", "high", "medium", "low"]),
                reason="Bench alert",
                dedup_key=f"bench:{i}",
                status=rng.choice(["open", "open", "acknowledged", "resolved"]),
                resolution_note="done",
                raised_at=now - timedelta(minutes=i),
                last_raised_at=now - timedelta(minutes=i),
            )
            for i in range(alerts)
        ),
        batch_size=2000,
    )
    return coordinator, program


def _escalate(program) -> tuple[int, float]:
    from django.utils import timezone

    from recoverypath.alerts.models import Alert
    from recoverypath.alerts.services import alerts_escalate_overdue

    due = list(
        Alert.objects.filter(client__program=program, status="open").values_list("id", flat=True)[
            :1000
        ]
    )
    Alert.objects.filter(id__in=due).update(escalation_due_at=timezone.now() - timedelta(minutes=1))
    t0 = time.perf_counter()
    escalated = alerts_escalate_overdue(limit=1000)
    elapsed = (time.perf_counter() - t0) * 1000
    return escalated, elapsed / max(escalated, 1)


if __name__ == "__main__":
    sys.exit(main())
