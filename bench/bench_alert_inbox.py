"""Time the alert inbox with 10,000 alerts and the escalation job over 1,000 overdue alerts.
Goals: inbox median < 300 ms on SQLite with the same number of queries on every page; the
escalation job under 60 ms per alert escalated (1,000 overdue alerts within its one-minute period).

Runnable alone: `.venv/bin/python bench/bench_alert_inbox.py [ALERTS] [RUNS]`. Uses a temporary
SQLite file (or BENCH_DATABASE_URL for PostgreSQL), builds its own data with bulk_create, then
requests /alerts/ as a coordinator through Django's test client (the whole stack). Prints its
figures; exits 1 over a goal.
"""

from __future__ import annotations

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

INBOX_GOAL_MS = 300.0
ESCALATION_GOAL_MS = 60.0  # 1,000 escalations fit in the job's one-minute period


def main() -> int:
    alerts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    # Deliveries are queued (as in production), not run inline.
    with bench_django("alerts", huey_immediate=False):
        from django.db import connection

        started = time.perf_counter()
        coordinator, program = _build(alerts=alerts)
        built = time.perf_counter() - started

        web = logged_in(coordinator)
        url = "/alerts/?status=all"
        if checked_get(web, url, "inbox") is None:
            return 1
        inbox = time_get(web, url, runs)
        _, last_queries = counted_get(web, url + "&page=9999")

        escalated, per_alert = _escalate(program)
        print(f"database: {connection.vendor}")
        print(f"built {alerts} alerts in {built:.1f} s")
        print(f"queries: first page {inbox.queries}, last page {last_queries}")
        print(f"inbox over {runs} runs: {inbox.summary()} (goal < {INBOX_GOAL_MS:.0f} ms)")
        print(
            f"escalation job: {escalated} alerts escalated, {per_alert:.1f} ms each "
            f"(goal < {ESCALATION_GOAL_MS:.0f} ms)"
        )
        ok = (
            inbox.median_ms < INBOX_GOAL_MS
            and inbox.queries == last_queries
            and per_alert < ESCALATION_GOAL_MS
        )
        return 0 if ok else 1


def _build(*, alerts: int):
    import random

    from django.utils import timezone

    from recoverypath.alerts.models import Alert
    from recoverypath.clients.models import Client

    rng = random.Random(3)
    org, program = bench_program()
    coordinator = bench_member(program, "coordinator")
    bench_member(program, "admin")
    Client.objects.bulk_create(
        bench_client(org, program, i, coordinator=coordinator) for i in range(max(alerts // 20, 1))
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
