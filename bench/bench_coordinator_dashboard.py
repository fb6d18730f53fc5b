"""Time the coordinator dashboard for 200 aftercare clients with 90 days of check-ins each.
Goal: median < 300 ms on SQLite, and the same number of queries on every page.

Runnable alone: `.venv/bin/python bench/bench_coordinator_dashboard.py [CLIENTS] [DAYS] [RUNS]`.
Uses a temporary SQLite file (or BENCH_DATABASE_URL for PostgreSQL, like bench_demo.py), builds
its own data with bulk_create, then requests /aftercare/caseload/ as the coordinator through
Django's test client (the whole stack: middleware, auth, audit, template). Prints its figures;
exits 1 over the goal.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta

from _harness import (
    bench_client,
    bench_django,
    bench_member,
    bench_program,
    checked_get,
    counted_get,
    logged_in,
    time_get,
)

GOAL_MS = 300.0


def main() -> int:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 90
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    with bench_django("dash", huey_immediate=True, quiet=False):
        from django.db import connection

        started = time.perf_counter()
        coordinator = _build(clients=clients, days=days)
        built = time.perf_counter() - started

        web = logged_in(coordinator)
        url = "/aftercare/caseload/"
        first = checked_get(web, url, "dashboard")
        if first is None:
            return 1
        dashboard = time_get(web, url, runs)
        _, last_queries = counted_get(web, url + "?page=999")
        rows = first.content.decode().count('class="sparkline"')
        print(f"database: {connection.vendor}")
        print(f"built {clients} clients x {days} days of check-ins in {built:.1f} s")
        print(f"rows on the page: {rows} (sparklines rendered server-side)")
        print(f"queries: first page {dashboard.queries}, last page {last_queries}")
        print(f"dashboard over {runs} runs: {dashboard.summary()} (goal < {GOAL_MS:.0f} ms)")
        ok = dashboard.median_ms < GOAL_MS and dashboard.queries == last_queries
        return 0 if ok else 1


def _build(*, clients: int, days: int):
    from django.utils import timezone

    from recoverypath.aftercare.models import AftercarePlan, CoordinatorCheckIn, PlanComponent
    from recoverypath.alerts.models import Alert
    from recoverypath.clients.models import Client
    from recoverypath.monitoring.models import CheckIn

    rng = random.Random(1)
    today = timezone.localdate()
    org, program = bench_program()
    coordinator = bench_member(program, "coordinator")
    Client.objects.bulk_create(
        [
            bench_client(
                org,
                program,
                i,
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
    # Alerts written around the services: give the plans their stored risk rank (one UPDATE).
    from recoverypath.earlywarning.risk import caseload_risk_refresh

    caseload_risk_refresh(client_ids=None)
    return coordinator


if __name__ == "__main__":
    sys.exit(main())
