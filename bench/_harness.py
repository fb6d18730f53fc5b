"""Shared pieces of the bench/ scripts: a throw-away Django project and request timing.

Not a benchmark itself (`make bench` runs bench/bench_*.py only). Each script imports it from its
own folder, which Python puts first on sys.path when it runs the script:
`.venv/bin/python bench/bench_x.py`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SRC = Path(__file__).resolve().parents[1] / "src"
# A migrated empty SQLite database per set of migrations, copied into each bench's folder so that
# every script does not spend its first 20-25 s migrating (var/ is ignored by git).
TEMPLATES = Path(__file__).resolve().parents[1] / "var" / "bench-templates"


def _migrations_key() -> str:
    """A digest of every migration file and the Django version: a template is reused only for
    exactly the migrations it was made with."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(SRC.glob("recoverypath/*/migrations/*.py")):
        digest.update(str(path.relative_to(SRC)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


@dataclass(frozen=True)
class Bench:
    """What bench_django() made: its temporary folder and how long migrating took."""

    workdir: Path
    migrate_seconds: float


@contextmanager
def bench_django(
    name: str, *, huey_immediate: bool = False, web: bool = True, quiet: bool = True
) -> Iterator[Bench]:
    """Set up Django on a fresh database in a temporary folder, and remove both afterwards.

    The database is a SQLite file in the folder, or with BENCH_DATABASE_URL a PostgreSQL server on
    which Django creates (and afterwards drops) a `test_` database. `web` sets what requests
    through django.test.Client need (TESTING=1: plain static storage, no collectstatic manifest;
    the test server's host; plain cookies); `quiet` logs warnings only and drops e-mail;
    `huey_immediate` runs queued tasks inline instead of queueing them (as in production).
    """
    workdir = Path(tempfile.mkdtemp(prefix=f"rp-bench-{name}-"))
    env = {
        "DJANGO_SETTINGS_MODULE": "recoverypath.settings",
        "VAR_DIR": str(workdir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "HUEY_IMMEDIATE": "1" if huey_immediate else "0",
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
        ),
    }
    if web:
        env.update({"TESTING": "1", "ALLOWED_HOSTS": "testserver", "SECURE_COOKIES": "0"})
    if quiet:
        env.update({"LOG_LEVEL": "WARNING", "EMAIL_URL": "dummymail://"})
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))

    test_db = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        keep = os.environ.get("BENCH_KEEP_DATABASE") == "1"
        if connection.vendor == "sqlite":
            database = Path(connection.settings_dict["NAME"])
            template = TEMPLATES / f"migrated-{_migrations_key()}.sqlite3"
            if template.exists() and not database.exists():
                shutil.copyfile(template, database)
            # A no-op on a copy of the template (it still checks every migration is applied).
            call_command("migrate", verbosity=0, interactive=False)
            if not template.exists():
                connection.close()
                TEMPLATES.mkdir(parents=True, exist_ok=True)
                partial = template.with_suffix(f".{os.getpid()}.tmp")
                shutil.copyfile(database, partial)
                partial.replace(template)
        else:
            # BENCH_KEEP_DATABASE=1 (make bench-large): the `test_` database and what a bench
            # loaded into it stay for the next run (a million clients take a while to load).
            # serialize=False: no copy of the whole database in memory (a kept one has 100M rows).
            test_db = connection.creation.create_test_db(
                verbosity=0, autoclobber=not keep, keepdb=keep, serialize=False
            )
            # Processes the bench starts (an export worker, the HTTP server) read DATABASE_URL:
            # point it at the `test_` database Django just made, not the one it was named after.
            base = urlsplit(env["DATABASE_URL"])
            os.environ["DATABASE_URL"] = urlunsplit(base._replace(path=f"/{test_db}"))
        yield Bench(workdir=workdir, migrate_seconds=time.perf_counter() - started)
    finally:
        if test_db is not None and os.environ.get("BENCH_KEEP_DATABASE") != "1":
            connection.creation.destroy_test_db(test_db, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)


def bare_sql(statements: list[tuple[str, list[Any]]], *, runs: int = 3) -> tuple[float, int]:
    """A workload's bare baseline: the best of `runs` timings (seconds) of running `statements`
    (SQL, parameters) one after another and fetching every row, with the rows the last returned."""
    from django.db import connection

    best, found = float("inf"), 0
    for _ in range(runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                found = len(cursor.fetchall())
        best = min(best, time.perf_counter() - started)
    return best, found


def logged_in(user):
    """A django.test.Client logged in as `user`."""
    from django.test import Client

    web = Client()
    web.force_login(user)
    return web


def counted_get(web, url: str, data: dict[str, Any] | None = None):
    """GET `url` over HTTPS; return the response and the number of queries it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = web.get(url, data, secure=True)
    # Counted now: the next request resets the connection's query log.
    return response, len(captured.captured_queries)


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p90_ms: float
    min_ms: float
    max_ms: float
    queries: int | None  # of one more, untimed request; None when not counted

    def summary(self) -> str:
        return f"median {self.median_ms:.1f} ms, min {self.min_ms:.1f} ms, max {self.max_ms:.1f} ms"


def time_get(
    web,
    url: str,
    runs: int,
    *,
    data: dict[str, Any] | None = None,
    status: int | None = 200,
    count_queries: bool = True,
) -> Timing:
    """GET `url` over HTTPS `runs` times, asserting each answers `status` (None: any), and time it.

    With `count_queries`, one more request afterwards (untimed) counts the queries of a request.
    """
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = web.get(url, data, secure=True)
        timings.append((time.perf_counter() - t0) * 1000)
        assert status is None or response.status_code == status, response.status_code
    if len(timings) > 1:
        p90 = statistics.quantiles(timings, n=10, method="inclusive")[-1]
    else:
        p90 = max(timings)
    return Timing(
        median_ms=statistics.median(timings),
        p90_ms=p90,
        min_ms=min(timings),
        max_ms=max(timings),
        queries=counted_get(web, url, data)[1] if count_queries else None,
    )


def checked_get(web, url: str, what: str):
    """GET `url` over HTTPS; the response, or None after printing its status unless it is 200."""
    response = web.get(url, secure=True)
    if response.status_code != 200:
        print(f"{what} answered {response.status_code}")
        return None
    return response


# Fictional data the scripts share; each builds the rest of its own with bulk_create.


def bench_program(*, time_zone: str = "America/New_York"):
    """The organization and program every script's data belongs to."""
    from recoverypath.accounts.models import Organization, Program

    org = Organization.objects.create(name="Bench Recovery (fictional)", slug="bench")
    program = Program.objects.create(
        organization=org, name="Bench IOP", slug="bench-iop", time_zone=time_zone
    )
    return org, program


def bench_member(program, role: str, **fields):
    """A user `<role>@bench.example.org` with that role in `program`."""
    from recoverypath.accounts.models import Membership, User

    user = User.objects.create_user(f"{role}@bench.example.org", "bench-pass-42", **fields)
    Membership.objects.create(user=user, program=program, role=role)
    return user


def bench_client(org, program, i: int, **fields):
    """Fictional client number `i` of `program`, not saved (for bulk_create)."""
    from recoverypath.clients.models import Client

    return Client(
        organization=org,
        program=program,
        mrn=f"B{i:05d}",
        first_name=f"Benchperson{i}",
        last_name="Fictional",
        date_of_birth=date(1985, 1, 1),
        **fields,
    )


def scale_size() -> int | None:
    """BENCH_SCALE (make bench-large): the number of synthetic clients to measure over, loaded
    by the demo's scale loader instead of a bench's own small data."""
    value = os.environ.get("BENCH_SCALE", "")
    return int(value) if value else None


def scale_data(clients: int):
    """Load `clients` synthetic clients with the demo's scale loader (once: a kept database that
    has them already is used as it is). Returns (coordinator, program id, that program's clients
    in id order): the first coordinator of the first scale program, a caseload like any other."""
    from recoverypath.accounts.models import Membership, Program
    from recoverypath.clients.models import Client
    from recoverypath.demo.scale import ScaleDemoExists, scale_load

    started = time.perf_counter()
    try:
        result = scale_load(clients=clients, progress=print)
        print(f"scale demo: {clients:,} clients loaded in {result.seconds:.0f} s")
    except ScaleDemoExists:
        print(f"scale demo: {clients:,} clients already loaded (kept database)")
    program = Program.objects.filter(organization__slug="scale-1-1").order_by("id").first()
    if program is None:
        raise SystemExit("The scale demo has no first program: use a fresh BENCH_DATABASE_URL.")
    membership = (
        Membership.objects.filter(program=program, role="coordinator")
        .select_related("user")
        .order_by("id")
        .first()
    )
    if membership is None:
        raise SystemExit("The scale demo's first program has no coordinator.")
    made = list(Client.objects.filter(program=program).select_related("user").order_by("id"))
    print(f"scale data ready in {time.perf_counter() - started:.0f} s")
    return membership.user, program.id, made
