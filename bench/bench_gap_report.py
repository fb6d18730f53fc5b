"""Time the gap-in-care report (selector and page) for a program with 500 graduates, and check it
runs the same number of queries as for 5 graduates. Goal: page median < 300 ms on SQLite.

Runnable alone: `.venv/bin/python bench/bench_gap_report.py [GRADUATES] [RUNS]`. Uses a temporary
SQLite file (or BENCH_DATABASE_URL for PostgreSQL) and builds its own data with bulk_create: a
third of graduates reached aftercare in 3 days (referral attended), a third in 12 days (aftercare
component attended), a third not yet. Prints its figures; exits 1 over a goal.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

from _harness import bench_django, bench_member, bench_program, logged_in, time_get

PAGE_GOAL_MS = 300.0


def main() -> int:
    graduates = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    with bench_django("gap"):
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        from recoverypath.accounts.models import User
        from recoverypath.discharge.selectors import gap_report

        coordinator, program, provider = _setup()
        _graduates(program, provider, 5, start=0)
        reset_queries()  # a full query log (9,000 entries) would hide new queries
        with CaptureQueriesContext(connection) as few:
            gap_report(user=User.objects.get(pk=coordinator.pk), program_id=program.id)
        started = time.perf_counter()
        _graduates(program, provider, graduates - 5, start=5)
        built = time.perf_counter() - started
        reset_queries()
        with CaptureQueriesContext(connection) as many:
            report = gap_report(user=User.objects.get(pk=coordinator.pk), program_id=program.id)
        # Count now: every request below resets Django's query log.
        few_count, many_count = len(few.captured_queries), len(many.captured_queries)

        web = logged_in(coordinator)
        url = f"/discharge/report/gap/?program={program.id}"
        assert web.get(url, secure=True).status_code == 200
        page = time_get(web, url, runs, count_queries=False)
        print(f"database: {connection.vendor}")
        print(f"built {graduates} graduates in {built:.1f} s")
        print(
            f"gap report: {report.graduates} graduates, {report.flagged} flagged, median gap "
            f"{report.median_gap} days"
        )
        print(f"selector queries: {few_count} for 5 graduates, {many_count} for {graduates}")
        print(f"page over {runs} runs: {page.summary()} (goal < {PAGE_GOAL_MS:.0f} ms)")
        ok = page.median_ms < PAGE_GOAL_MS and few_count == many_count
        return 0 if ok else 1


def _setup():
    from recoverypath.aftercare.models import ExternalProvider

    org, program = bench_program()
    coordinator = bench_member(program, "coordinator")
    provider = ExternalProvider.objects.create(organization=org, name="Bench Therapy (fictional)")
    return coordinator, program, provider


def _graduates(program, provider, count: int, *, start: int) -> None:
    from datetime import datetime
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from recoverypath.aftercare.models import AftercarePlan, ComponentContact, PlanComponent
    from recoverypath.care.models import EpisodeOfCare
    from recoverypath.clients.models import Client
    from recoverypath.discharge.models import DischargePlan, Referral

    today = timezone.localdate()
    graduated_on = today - timedelta(days=40)
    clients = Client.objects.bulk_create(
        Client(
            organization_id=program.organization_id,
            program=program,
            mrn=f"G{start + i:06d}",
            first_name=f"Graduate{start + i}",
            last_name="Fictional",
            date_of_birth=date(1988, 1, 1),
        )
        for i in range(count)
    )
    episodes = EpisodeOfCare.objects.bulk_create(
        EpisodeOfCare(
            client=c,
            program=program,
            level_code="2.1",
            status="finished",
            start_date=today - timedelta(days=100),
            end_date=graduated_on,
            end_reason="completed",
        )
        for c in clients
    )
    DischargePlan.objects.bulk_create(
        DischargePlan(
            organization_id=program.organization_id,
            program=program,
            client=c,
            episode=e,
            target_graduation_date=graduated_on,
            status="graduated",
            graduated_on=graduated_on,
            graduated_at=datetime.combine(graduated_on, clock(15), ZoneInfo(program.time_zone)),
            last_iop_session_on=graduated_on - timedelta(days=1),
        )
        for c, e in zip(clients, episodes, strict=True)
    )
    Referral.objects.bulk_create(
        Referral(
            organization_id=program.organization_id,
            client=c,
            provider=provider,
            status="attended",
            sent_at=timezone.now() - timedelta(days=50),
            attended_on=graduated_on + timedelta(days=2),
        )
        for c in clients[0::3]
    )
    plans = AftercarePlan.objects.bulk_create(
        AftercarePlan(
            client=c,
            program=program,
            start_date=graduated_on,
            end_date=graduated_on + timedelta(90),
        )
        for c in clients[1::3]
    )
    components = PlanComponent.objects.bulk_create(
        PlanComponent(plan=p, kind="therapy", title="Weekly therapy") for p in plans
    )
    ComponentContact.objects.bulk_create(
        ComponentContact(component=c, date=graduated_on + timedelta(days=11), attended=True)
        for c in components
    )


if __name__ == "__main__":
    sys.exit(main())
