"""The demo at scale: N synthetic clients beside the named demo people, written in chunks with
PostgreSQL's COPY (on SQLite: batched INSERTs, for small N), in bounded memory.

`scale_load()`:
1. refuses when this seed's scale organizations exist already (nothing is written);
2. in one transaction (a failed load leaves nothing behind), with foreign keys checked at each
   statement rather than at commit (so PostgreSQL does not queue a check per row until then):
   creates the organizations, programs and staff (`people.layout_build`), then for each chunk of
   CHUNK clients generates every row of their histories with a generator seeded by (seed, chunk)
   and writes the chunk table by table, parents first; prints progress per chunk;
3. runs ANALYZE on the tables it wrote.
The same N and seed give the same rows (ids aside, which come from the database's sequences).
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from recoverypath.accounts.models import Membership, Organization, Role
from recoverypath.core.partitioning import partitions_ensure
from recoverypath.earlywarning.risk import caseload_risk_refresh
from recoverypath.testing.models import TestPanel

from .people import STAFF_DOMAIN, layout_build, organization_slug
from .stories import OLDEST_DAYS, Stories
from .writer import Batch, Tables

CHUNK = 5_000


class ScaleDemoExists(ValueError):
    """The scale demo for this seed is loaded already."""


@dataclass
class ScaleResult:
    clients: int
    organizations: int
    programs: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    write_seconds: dict[str, float] = field(default_factory=dict)
    # CPU seconds of the load (generating rows; the database backend writing them, NaN unless
    # PostgreSQL runs on this machine): unlike wall time, they hold on a busy machine.
    cpu_seconds: float = 0.0
    database_cpu_seconds: float = float("nan")
    stages: dict[str, int] = field(default_factory=dict)
    sample_login: str = ""


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu_seconds() -> float:
    """CPU time of this connection's PostgreSQL backend when it runs on this machine (a figure
    that holds on a busy machine where wall time does not); NaN when it cannot be read."""
    if connection.vendor != "postgresql":
        return float("nan")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def _standard_urine_panel() -> TestPanel:
    panel = TestPanel.objects.filter(program=None, code="urine-5").first()
    if panel is None:  # a flushed test database: the migration's rows are gone
        from recoverypath.testing.services import standard_panels

        panel = standard_panels()["urine-5"]
    return panel


def _chunks(
    stories: Stories, tables: Tables, *, clients: int, seed: int, chunk: int
) -> Iterator[tuple[int, list[Batch]]]:
    """(clients so far, rows to write) per chunk, generated in a thread of its own so that
    Python builds the next chunk while the database writes this one. At most two chunks wait."""
    handoff: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for number, first in enumerate(range(0, clients, chunk)):
                if stop.is_set():
                    return
                rng = random.Random(f"scale-{seed}-{number}")
                last = min(clients, first + chunk)
                for index in range(first, last):
                    stories.client_add(rng, index)
                handoff.put((last, tables.take()))
            handoff.put(None)
        except BaseException as exc:  # handed to the writing thread, which raises it
            handoff.put(exc)

    producer = threading.Thread(target=produce, name="scale-demo-rows", daemon=True)
    producer.start()
    try:
        while (item := handoff.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while producer.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                handoff.get(timeout=0.1)
        producer.join()


def scale_load(
    *,
    clients: int,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[str], None] = lambda line: None,
    chunk: int = CHUNK,
    admin_email: str | None = None,
) -> ScaleResult:
    """Add `clients` synthetic clients with their histories. Raises ScaleDemoExists when this
    seed's scale demo is there already. `admin_email`: a named demo admin who is also made admin
    of the first scale program, so the big caseloads can be seen with a printed login."""
    if clients < 1:
        raise ValueError("The scale demo needs at least one client.")
    today = today or timezone.localdate()
    existing = Organization.objects.filter(slug__startswith=organization_slug(seed, ""))
    if existing.exists():
        raise ScaleDemoExists(
            f"The scale demo for seed {seed} is loaded already ({existing.count()} organization(s) "
            f"{organization_slug(seed, 'N')}); use another --seed or a fresh database."
        )
    started = time.monotonic()
    cpu_started, db_cpu_started = _cpu_seconds(), _backend_cpu_seconds()
    postgres = connection.vendor == "postgresql"
    # The year of history goes into its months' partitions, not the DEFAULT one (PostgreSQL).
    partitions_ensure(since=today - timedelta(days=OLDEST_DAYS))
    with transaction.atomic():
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # Only this load's own durability on a crash; the rows are synthetic.
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SELECT current_setting('is_superuser') = 'on'")
                if cursor.fetchone()[0]:
                    # The loader writes each parent before its children, by construction; a
                    # superuser may skip the per-row foreign-key triggers for this transaction.
                    cursor.execute("SET LOCAL session_replication_role = replica")
        tables = Tables()
        layout = layout_build(clients=clients, seed=seed, tables=tables, rng=random.Random(seed))
        if admin_email:
            from recoverypath.accounts.models import User

            admin = User.objects.filter(email=admin_email).first()
            if admin is not None:
                Membership.objects.create(
                    user=admin, program_id=layout.programs[0].program_id, role=Role.ADMIN
                )
        stories = Stories(
            tables=tables, layout=layout, today=today, seed=seed, panel=_standard_urine_panel()
        )
        progress(
            f"scale demo: {clients} clients in {len(layout.programs)} programs of "
            f"{len(layout.organizations)} organizations, {len(layout.emails)} staff"
            + ("" if postgres else " (SQLite: batched INSERTs, meant for small N; use PostgreSQL)")
        )
        done = 0
        for last, batches in _chunks(stories, tables, clients=clients, seed=seed, chunk=chunk):
            done += tables.write(batches)
            elapsed = time.monotonic() - started
            progress(
                f"  {last:>9} clients  {done:>11} rows  {done / elapsed:>9.0f} rows/s  "
                f"{elapsed:7.1f} s  peak RSS {peak_rss_mb():.0f} MB"
            )
    rows = tables.counts()
    # Statistics first: without them PostgreSQL plans the risk UPDATE below (a correlated
    # subquery per plan) with a bitmap scan over every open alert for each plan, which at a
    # million clients does not finish. With them it is an index look-up per plan.
    analyze_started = time.monotonic()
    if postgres:
        with connection.cursor() as cursor:
            for name in rows:
                cursor.execute(f'ANALYZE "{name}"')
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    progress(f"  ANALYZE {time.monotonic() - analyze_started:.1f} s")
    # The alerts were written as rows: the dashboard's stored risk of every plan, in one UPDATE.
    risk_started = time.monotonic()
    caseload_risk_refresh(client_ids=None)
    progress(f"  stored risk rank {time.monotonic() - risk_started:.1f} s")
    cpu = _cpu_seconds() - cpu_started
    database_cpu = _backend_cpu_seconds() - db_cpu_started
    progress(f"  CPU: this process {cpu:.1f} s, database {database_cpu:.1f} s")
    return ScaleResult(
        clients=clients,
        organizations=len(layout.organizations),
        programs=len(layout.programs),
        seconds=time.monotonic() - started,
        rows=rows,
        write_seconds=tables.write_seconds(),
        cpu_seconds=cpu,
        database_cpu_seconds=database_cpu,
        stages=dict(sorted(stories.stages.items())),
        sample_login=layout.first_coordinator_email,
    )


__all__ = ["CHUNK", "STAFF_DOMAIN", "ScaleDemoExists", "ScaleResult", "scale_load"]
