"""The hot paths over HTTP, each next to a bare Django view on the same server in the same run.

W1 check-in ingest: `POST /api/v1/check-ins/` by each client with their own API token,
   against `POST /bench/bare-insert/` (a view inserting one row).
W6 client read: `GET /api/v1/clients/{id}/` by a clinician's token,
   against `GET /bench/bare-read/{id}/` (a view reading one row by primary key).
W2 coordinator dashboard: `GET /aftercare/caseload/` with the coordinator's session: p95 one page
   at a time (what a coordinator waits for: the goal), next to the bare read one at a time, and
   with CONCURRENCY connections (printed, where on 2 cores the pages queue behind each other).

Server: `recoverypath serve` (gunicorn) with WORKERS processes; load: CONCURRENCY processes with
keep-alive connections on loopback, a bounded number of requests each workload (see bench/_http.py).
Goals (issue #14): W1 >= 50% of the bare insert's rate, p95 <= 50 ms, >= 1,000/s on 2 cores;
W6 >= 60% of the bare read's rate, >= 1,000/s; W2 p95 <= 100 ms one page at a time. Every figure
is printed whether or not its goal is met; the exit status says whether all were.

Runnable alone: `.venv/bin/python bench/bench_http.py [CLIENTS] [DAYS]` (SQLite in a temporary
folder, or BENCH_DATABASE_URL for PostgreSQL). With BENCH_SCALE=N (make bench-large) the data is
the demo's scale load of N clients (a year of check-ins) and the caseload is a coordinator's
there. Environment: BENCH_WORKERS (default 5),
BENCH_CONCURRENCY (default 8), BENCH_REQUESTS (default 2,000 per workload).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from dataclasses import dataclass
from typing import Any

from _harness import bench_django, scale_data, scale_size
from _http import Request, http_server, load, token_auth
from bench_coordinator_dashboard import _build


def _goal(label: str, value: float, goal: float, *, higher: bool = True) -> tuple[str, bool]:
    met = value >= goal if higher else value <= goal
    return (
        f"{label}: {value:,.1f} (goal {'>=' if higher else '<='} {goal:,.0f}) "
        f"{'ok' if met else 'MISSED'}",
        met,
    )


@dataclass
class WorkloadData:
    """Who the hot paths run as: the clients (each with an API token), a clinician's token for
    the reads and a coordinator's session for the dashboard."""

    clients: int
    days: int
    coordinator: Any
    made: list
    client_secrets: list[str]
    staff_secret: str
    session: str


def workload_data(*, clients: int, days: int) -> WorkloadData:
    """Build (or with BENCH_SCALE, load once) the data, then give the clients logins and tokens
    (a kept database has the logins from the last run)."""
    from django.test import Client as WebClient

    from recoverypath.accounts.models import Membership, User
    from recoverypath.accounts.services.tokens import api_token_issue
    from recoverypath.clients.models import Client

    large = scale_size()
    if large:
        coordinator, program_id, made = scale_data(large)
        clients, days = large, 365
    else:
        coordinator = _build(clients=clients, days=days)
        program_id = Membership.objects.get(user=coordinator).program_id
        made = list(
            Client.objects.filter(program_id=program_id).select_related("user").order_by("id")
        )
    clinician, _ = User.objects.get_or_create(email="clinician@bench.example.org")
    Membership.objects.get_or_create(user=clinician, program_id=program_id, role="clinician")
    without = [c for c in made if c.user_id is None]
    users = User.objects.bulk_create(
        [User(email=f"client{c.id}@bench.example.org", password="!") for c in without],
        batch_size=1000,
    )
    for c, u in zip(without, users, strict=True):
        c.user = u
    Client.objects.bulk_update(without, ["user"], batch_size=1000)
    web = WebClient()
    web.force_login(coordinator)
    return WorkloadData(
        clients=clients,
        days=days,
        coordinator=coordinator,
        made=made,
        client_secrets=[api_token_issue(user=c.user, name="bench").secret for c in made],
        staff_secret=api_token_issue(user=clinician, name="bench").secret,
        session=web.cookies["sessionid"].value,
    )


def main() -> int:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    workers = int(os.environ.get("BENCH_WORKERS", "5"))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "8"))
    per_workload = int(os.environ.get("BENCH_REQUESTS", "2000"))
    with bench_django("http", huey_immediate=True, quiet=True) as bench:
        import _urls
        from django.db import close_old_connections, connection

        started = time.perf_counter()
        data = workload_data(clients=clients, days=days)
        clients, days, made = data.clients, data.days, data.made
        secrets, staff_secret, session = data.client_secrets, data.staff_secret, data.session
        _urls.ensure_bare_table()
        built = time.perf_counter() - started
        print(f"database: {connection.vendor} (migrate {bench.migrate_seconds:.1f} s)")
        print(
            f"built {clients} clients x {days} days of check-ins, tokens and a session "
            f"in {built:.1f} s"
        )
        close_old_connections()
        connection.close()

        rng = random.Random(7)
        body = json.dumps(
            {"mood": 4, "craving": 2, "sleep_hours": 7, "stress": 3, "used": False}
        ).encode()
        n = min(per_workload, len(secrets))
        w1 = [Request("POST", "/api/v1/check-ins/", body, token_auth(s)) for s in secrets[:n]]
        bare_w1 = [Request("POST", "/bench/bare-insert/", body) for _ in range(n)]
        ids = [rng.choice(made).id for _ in range(per_workload)]
        w6 = [Request("GET", f"/api/v1/clients/{i}/", b"", token_auth(staff_secret)) for i in ids]
        bare_w6 = [Request("GET", f"/bench/bare-read/{i}/") for i in ids]
        w2 = [
            Request("GET", "/aftercare/caseload/", b"", (("Cookie", f"sessionid={session}"),))
            for _ in range(max(50, per_workload // 10))
        ]
        w2_alone = w2[: max(50, per_workload // 20)]

        results = {}
        with http_server(workers=workers) as server:
            print(
                f"server: recoverypath serve, {workers} processes; load: {concurrency} connections"
            )
            # Warm every process (imports, connections) before measuring.
            load(server, bare_w6[: workers * 10], concurrency=concurrency)
            load(server, w6[: workers * 10], concurrency=concurrency)
            for name, requests, connections in (
                ("bare insert", bare_w1, concurrency),
                ("W1 check-in", w1, concurrency),
                ("bare read", bare_w6, concurrency),
                ("W6 client read", w6, concurrency),
                ("bare read x1", bare_w6[: len(w2_alone)], 1),
                ("W2 dashboard", w2_alone, 1),
                (f"W2 x{concurrency}", w2, concurrency),
            ):
                results[name] = load(server, requests, concurrency=connections)
                print(f"{name:>15}: {results[name].summary()}")

    lines = []
    verdicts = []
    w1r, b1 = results["W1 check-in"], results["bare insert"]
    w6r, b6 = results["W6 client read"], results["bare read"]
    for label, value, goal, higher in (
        ("W1 rate, % of bare insert", 100 * w1r.rate / b1.rate, 50, True),
        ("W1 p95 ms", w1r.p95, 50, False),
        ("W1 req/s", w1r.rate, 1000, True),
        ("W6 rate, % of bare read", 100 * w6r.rate / b6.rate, 60, True),
        ("W6 req/s", w6r.rate, 1000, True),
        ("W2 p95 ms, one page at a time", results["W2 dashboard"].p95, 100, False),
    ):
        line, met = _goal(label, value, goal, higher=higher)
        lines.append(line)
        verdicts.append(met)
    w2a, b2 = results["W2 dashboard"], results["bare read x1"]
    lines.append(
        f"W2 p95, one page at a time: {w2a.p95 / b2.p95:,.1f}x the bare read's p95 one at a "
        f"time ({w2a.p95:,.1f} ms vs {b2.p95:,.1f} ms)"
    )
    for name, result in results.items():
        if result.ok_share() < 1.0:
            lines.append(f"{name}: only {result.ok_share():.1%} of answers were 200/201")
            verdicts.append(False)
    print("\n".join(lines))
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
