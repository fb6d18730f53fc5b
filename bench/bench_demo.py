"""Time the demo on a fresh, throw-away database: the named small demo (`make run`'s), then the
scale loader adding N synthetic clients with a year of history (`recoverypath demo --clients N`).
Goals: 10,000 clients < 60 s, 1,000,000 < 30 minutes, peak memory < 2 GB.

Runnable alone: `.venv/bin/python bench/bench_demo.py [N]` (default 2,000: quick). Uses a temporary
SQLite file, or PostgreSQL when BENCH_DATABASE_URL is given (e.g.
postgres://postgres@127.0.0.1:5432/benchdemo; Django creates and drops a `test_` database next to
it); the scale loader is meant for PostgreSQL (COPY). Prints its figures, with a linear
extrapolation to 10,000 and 1,000,000 clients; exits 1 when N is 10,000 or more and the load took
longer than the goal for N.
"""

from __future__ import annotations

import sys
import time

from _harness import bench_django

GOAL_SECONDS_PER_10K = 60.0
GOAL_RSS_MB = 2048


def main() -> int:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    with bench_django("demo", huey_immediate=True, web=False, quiet=False) as bench:
        from django.db import connection

        from recoverypath.demo import generator
        from recoverypath.demo.scale import peak_rss_mb, scale_load

        # Time each app's demo_data.extend() so a slow extension is easy to spot.
        extension_seconds: dict[str, float] = {}
        plain_extensions = generator._extensions

        def timed_extensions():
            for extend in plain_extensions():
                app = extend.__module__.split(".")[1]

                def timed(*, _extend=extend, _app=app, **kwargs):
                    began = time.perf_counter()
                    _extend(**kwargs)
                    extension_seconds[_app] = time.perf_counter() - began

                yield timed

        generator._extensions = timed_extensions
        started = time.perf_counter()
        named = generator.build(clients=40, seed=1)
        named_seconds = time.perf_counter() - started
        generator._extensions = plain_extensions

        print(f"database: {connection.vendor} (migrate {bench.migrate_seconds:.1f} s)")
        print(f"named demo: {named.clients} clients, {len(named.logins)} logins, "
              f"{named_seconds:.2f} s")  # fmt: skip
        for app, seconds in extension_seconds.items():
            print(f"  {app}.demo_data: {seconds:.2f} s")

        result = scale_load(clients=clients, seed=1, progress=print)
        total_rows = sum(result.rows.values())
        print(f"scale demo: {clients} clients, {result.programs} programs, "
              f"{result.organizations} organizations, stages {result.stages}")  # fmt: skip
        for table, count in result.rows.items():
            print(f"  {table:<32} {count:>12} rows {result.write_seconds[table]:8.1f} s writing")
        per_client = result.seconds / clients
        print(f"rows: {total_rows} ({total_rows / result.seconds:.0f} rows/s)")
        print(f"seconds: {result.seconds:.2f} (per 10,000 clients {per_client * 10_000:.1f}, "
              f"goal < {GOAL_SECONDS_PER_10K:.0f}; 1,000,000 extrapolated linearly "
              f"{per_client * 1_000_000 / 60:.1f} min, goal < 30)")  # fmt: skip
        # On a busy machine wall time mostly measures the wait for a core. The loader generates
        # rows in one thread while PostgreSQL writes the previous chunk, so with two idle cores
        # a load takes about the larger of the two CPU times (plus the first chunk and ANALYZE).
        loader, database = result.cpu_seconds, result.database_cpu_seconds
        if database == database:  # not NaN: the database runs on this machine
            minutes = max(loader, database) / clients * 1_000_000 / 60
            print(
                f"CPU: loader {loader:.1f} s, database {database:.1f} s; on two idle cores "
                f"1,000,000 clients would take about {minutes:.0f} min of the busier one"
            )
        peak = peak_rss_mb()
        print(f"peak RSS: {peak:.0f} MB (goal < {GOAL_RSS_MB})")
    over = clients >= 10_000 and per_client * 10_000 > GOAL_SECONDS_PER_10K
    return 1 if over or peak > GOAL_RSS_MB else 0


if __name__ == "__main__":
    sys.exit(main())
