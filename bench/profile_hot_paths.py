"""Where the hot paths spend their time: a profile of W1, W6, W2 and W3, by kind of work.

Not a benchmark (no goal, no exit status over goal): the evidence behind bench/RESULTS.md's
"why a goal is missed". Each workload runs in this process through Django's full request stack
(the same middleware, views and services as `recoverypath serve`, without the HTTP socket), first
unprofiled for its time per request, then under cProfile. Every function's own time is put in one
bucket by where its code lives; a Python built-in or standard-library function counts for the
bucket of whoever called it:

    database         the driver sending statements and waiting for PostgreSQL/SQLite
    ORM SQL          Django building SQL (query, compiler, expressions, lookups)
    ORM objects      querysets, model instances, field conversion
    DRF              request parsing, serializers, rendering JSON
    templates        the template engine, escaping, date formatting
    Django request   handler, middleware, URL resolving, sessions, signals
    RecoveryPath     our own code (views, services, selectors, rules)
    other            everything else (third-party middleware, logging, the profiler's own)

The shares are of profiled time (cProfile slows Python code down more than waiting, so the
database share is understated); the unprofiled ms per request is the real cost.

Runnable alone: `.venv/bin/python bench/profile_hot_paths.py [CLIENTS] [DAYS]` (SQLite, or
BENCH_DATABASE_URL), or with BENCH_SCALE=N over the scale load (make bench-large runs it).
BENCH_PROFILE_REQUESTS (default 300) requests per workload; BENCH_PROFILE_TOP (default 12) shows
that many functions by own time under each workload; BENCH_PROFILE_ONLY (e.g. "W1,W6,W2") profiles
only those (W3 raises alerts: at 1M, under cProfile, its run takes most of half an hour).
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable

from _harness import bench_django
from bench_http import workload_data

BUCKETS = (
    ("database", ("/psycopg/", "/psycopg_pool/", "/django/db/backends/", "sqlite3")),
    (
        "ORM SQL",
        (
            "/django/db/models/sql/",
            "/django/db/models/expressions.py",
            "/django/db/models/lookups.py",
            "/django/db/models/query_utils.py",
            "/django/db/models/functions/",
            "/django/db/models/aggregates.py",
            "/django/utils/deconstruct.py",
            "/django/utils/tree.py",
        ),
    ),
    ("ORM objects", ("/django/db/",)),
    ("DRF", ("/rest_framework/", "/drf_spectacular/")),
    (
        "templates",
        (
            "/django/template/",
            "/django/templatetags/",
            "/django/utils/html.py",
            "/django/utils/dateformat.py",
            "/django/utils/formats.py",
            "/django/utils/safestring.py",
            "/django/forms/",
        ),
    ),
    ("Django request", ("/django/",)),
    ("RecoveryPath", ("/recoverypath/",)),
)
STDLIB_MARKERS = ("~", "/lib/python3")


def _bucket(filename: str) -> str | None:
    """The bucket of a function by its file, or None for built-ins and the standard library
    (which count for their caller)."""
    if filename == "~" or (
        any(m in filename for m in STDLIB_MARKERS[1:]) and "site-packages" not in filename
    ):
        return "database" if "sqlite3" in filename else None
    for name, markers in BUCKETS:
        if any(m in filename for m in markers):
            return name
    return "other"


def breakdown(stats: pstats.Stats) -> dict[str, float]:
    """Own time per bucket (seconds). A built-in's or stdlib function's own time is split over
    its callers' buckets in proportion to the calls each made (one level up; a stdlib caller of a
    stdlib function passes it on to its own callers once more)."""
    raw = stats.stats  # type: ignore[attr-defined]
    totals: dict[str, float] = defaultdict(float)

    def owner(func, depth: int = 0) -> dict[str, float]:
        filename = func[0]
        if func[2].startswith("<method") and "sqlite3" in func[2]:
            return {"database": 1.0}
        bucket = _bucket(filename)
        if bucket is not None:
            return {bucket: 1.0}
        callers = raw.get(func, (0, 0, 0, 0, {}))[4]
        if not callers or depth > 2:
            return {"other": 1.0}
        calls = sum(v[1] for v in callers.values()) or 1
        share: dict[str, float] = defaultdict(float)
        for caller, value in callers.items():
            for name, part in owner(caller, depth + 1).items():
                share[name] += part * value[1] / calls
        return share

    for func, (_cc, _nc, tottime, _ct, _callers) in raw.items():
        for name, part in owner(func).items():
            totals[name] += tottime * part
    return dict(totals)


def profile(name: str, run: Callable[[], int], top: int, *, first: bool = False) -> None:
    """Time `run` unprofiled, then profile it. `first`: profile the very first run instead (the
    nightly rules' first run is the one that raises alerts), after timing it unprofiled on
    nothing: its time is the profiled wall time."""
    profiler = cProfile.Profile()
    if first:
        started = time.perf_counter()
        profiler.enable()
        count = run()
        profiler.disable()
        label = f"{(time.perf_counter() - started) * 1000:.0f} ms profiled (one run)"
    else:
        run()  # warm: imports, caches, connections
        started = time.perf_counter()
        count = run()
        real_ms = (time.perf_counter() - started) * 1000 / count
        label = f"{real_ms:.1f} ms per request unprofiled ({count} requests)"
        profiler.enable()
        run()
        profiler.disable()
    stats = pstats.Stats(profiler)
    parts = breakdown(stats)
    total = sum(parts.values()) or 1.0
    print(f"== {name}: {label}")
    for bucket, seconds in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"   {bucket:>15}: {100 * seconds / total:5.1f}%")
    if top:
        print(f"   top {top} functions by own time:")
        rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]  # type: ignore[attr-defined]
        for (filename, line, function), (_cc, calls, tottime, _ct, _c) in rows:
            where = filename.split("site-packages/")[-1].split("/src/")[-1]
            print(f"   {100 * tottime / total:5.1f}%  {calls:>7} calls  {where}:{line}({function})")


def main() -> int:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    requests = int(os.environ.get("BENCH_PROFILE_REQUESTS", "300"))
    top = int(os.environ.get("BENCH_PROFILE_TOP", "12"))
    with bench_django("profile", huey_immediate=True, quiet=True):
        import random

        from django.test import Client as WebClient

        data = workload_data(clients=clients, days=days)
        print(f"profiling over {data.clients:,} clients x {data.days} days of check-ins")
        web = WebClient()
        web.cookies["sessionid"] = data.session
        body = json.dumps({"mood": 4, "craving": 2, "sleep_hours": 7, "stress": 3, "used": False})
        rng = random.Random(7)
        secrets = data.client_secrets[:requests]
        reads = [rng.choice(data.made).id for _ in range(requests)]

        def w1() -> int:
            for secret in secrets:
                answer = web.post(
                    "/api/v1/check-ins/",
                    body,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Token {secret}",
                )
                assert answer.status_code in (200, 201), answer.content[:200]
            return len(secrets)

        def w6() -> int:
            for client_id in reads:
                answer = web.get(
                    f"/api/v1/clients/{client_id}/", HTTP_AUTHORIZATION=f"Token {data.staff_secret}"
                )
                assert answer.status_code == 200, answer.content[:200]
            return len(reads)

        def w2() -> int:
            pages = max(10, requests // 10)
            for _ in range(pages):
                answer = web.get("/aftercare/caseload/")
                assert answer.status_code == 200, answer.status_code
            return pages

        raised: list[int] = []

        def w3() -> int:
            from recoverypath.earlywarning.services import absence_rules_run

            raised.append(absence_rules_run().raised)
            return 1

        only = {w.strip() for w in os.environ.get("BENCH_PROFILE_ONLY", "W1,W6,W2,W3").split(",")}
        if "W1" in only:
            profile("W1 check-in POST /api/v1/check-ins/", w1, top)
        if "W6" in only:
            profile("W6 client read GET /api/v1/clients/{id}/", w6, top)
        if "W2" in only:
            profile("W2 dashboard GET /aftercare/caseload/", w2, top)
        if "W3" in only:
            profile("W3 nightly absence rules (alerts included)", w3, top, first=True)
            print(f"   (that run raised {raised[-1]:,} alerts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
