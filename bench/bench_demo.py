"""Time `recoverypath demo --clients N` on a fresh, throw-away database. Goal: N=10,000 < 60 s.

Runnable alone: `.venv/bin/python bench/bench_demo.py [N]`. Uses a temporary SQLite file, or
PostgreSQL when BENCH_DATABASE_URL is given (e.g. postgres://postgres@127.0.0.1:5432/benchdemo;
Django creates and drops a `test_` database next to it). Prints its figures; exits 1 over the goal.
"""

from __future__ import annotations

import sys
import time

from _harness import bench_django

GOAL_SECONDS = 60.0


def main() -> int:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with bench_django("demo", huey_immediate=True, web=False, quiet=False) as bench:
        from django.db import connection

        from recoverypath.clients.models import Client, SupportContact
        from recoverypath.demo import generator

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
        result = generator.build(clients=clients, seed=1)
        elapsed = time.perf_counter() - started

        print(f"database: {connection.vendor} (migrate {bench.migrate_seconds:.1f} s)")
        print(f"clients: {result.clients} ({Client.objects.count()} rows)")
        print(f"support contacts: {SupportContact.objects.count()} rows")
        print(f"logins: {len(result.logins)}")
        core = elapsed - sum(extension_seconds.values())
        print(f"  accounts and clients: {core:.2f} s")
        for app, seconds in extension_seconds.items():
            print(f"  {app}.demo_data: {seconds:.2f} s")
        print(f"seconds: {elapsed:.2f} (goal < {GOAL_SECONDS:.0f})")
    return 0 if elapsed < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
