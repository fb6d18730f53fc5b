"""W3: time the nightly early-warning rules (no check-in, low adherence) against bare SQL.

Builds CLIENTS aftercare clients with DAYS days of check-ins (bench_coordinator_dashboard's
data: no plan contacts, so every plan's adherence is low and raises an alert), then times
`absence_rules_run()` twice (the first raises every alert, the second raises them again) next to
the bare SQL reading the same facts (each active plan's latest check-in, and its contacts over
the window). Goal (issue 14): the run, alerts included, within 3x of the bare SQL.

Runnable alone: `.venv/bin/python bench/bench_nightly_rules.py [CLIENTS] [DAYS]` (SQLite in a
temporary folder, or BENCH_DATABASE_URL for PostgreSQL). With BENCH_SCALE=N (make bench-large):
over the demo's scale load of N clients instead. Prints its figures; exits 1 over goal.
"""

from __future__ import annotations

import sys
import time

from _harness import bare_sql, bench_django, scale_data, scale_size
from bench_coordinator_dashboard import _build

GOAL_RATIO = 3.0

BARE = [
    """SELECT p.id, MAX(c.date) FROM aftercare_aftercareplan p
       LEFT JOIN monitoring_checkin c ON c.client_id = p.client_id
       WHERE p.status = 'active' GROUP BY p.id""",
    """SELECT pc.plan_id, COUNT(cc.id) FROM aftercare_plancomponent pc
       JOIN aftercare_aftercareplan p ON p.id = pc.plan_id AND p.status = 'active'
       LEFT JOIN aftercare_componentcontact cc ON cc.component_id = pc.id AND cc.date >= %s
       GROUP BY pc.plan_id""",
]


def main() -> int:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with bench_django("nightly", huey_immediate=False, quiet=True):
        from datetime import timedelta

        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from recoverypath.alerts.models import Alert
        from recoverypath.earlywarning.services import absence_rules_run

        started = time.perf_counter()
        large = scale_size()
        if large:
            scale_data(large)
            clients, days = large, 365
        else:
            _build(clients=clients, days=days)
        built = time.perf_counter() - started
        since = timezone.localdate() - timedelta(days=14)
        bare_s, _ = bare_sql([(BARE[0], []), (BARE[1], [since])])
        bare_ms = bare_s * 1000
        before = Alert.objects.count()
        runs = []
        for _ in range(2):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                result = absence_rules_run()
                runs.append((time.perf_counter() - t, len(queries), result.raised))
        print(f"database: {connection.vendor}")
        print(f"built {clients} clients x {days} days in {built:.1f} s")
        print(f"bare SQL (latest check-in + contacts per active plan): {bare_ms:.0f} ms")
        for label, (seconds, statements, raised) in zip(("first run", "re-run"), runs, strict=True):
            print(
                f"{label}: {seconds * 1000:.0f} ms, {statements} statements, {raised} alerts "
                f"raised ({seconds * 1000 / bare_ms:.1f}x bare SQL)"
            )
        print(f"alerts written: {Alert.objects.count() - before}")
        ok = all(seconds * 1000 <= GOAL_RATIO * bare_ms for seconds, _, _ in runs)
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
