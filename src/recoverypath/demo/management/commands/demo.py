from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from recoverypath.accounts.models import Organization
from recoverypath.demo.generator import (
    DEMO_PASSWORD,
    build,
    demo_logins,
    demo_two_factor_note,
)
from recoverypath.demo.scale import ScaleDemoExists, scale_load

# Above this many clients the demo is the named small one plus N synthetic clients at scale.
SCALE_FROM = 1_000
SMALL_DEMO_CLIENTS = 40


class Command(BaseCommand):
    help = (
        "Build a fictional demo organization with staff of every role and N clients. Above "
        f"{SCALE_FROM} clients (or with --scale): the named demo ({SMALL_DEMO_CLIENTS} clients, "
        "unless loaded already) plus N synthetic clients with a year of history, loaded in bulk."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=SMALL_DEMO_CLIENTS)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has an organization.",
        )
        parser.add_argument(
            "--scale",
            action="store_true",
            help=f"Use the bulk loader whatever N (automatic above {SCALE_FROM} clients).",
        )

    def handle(self, *args, clients: int, seed: int, if_empty: bool, scale: bool, **options):
        if clients < 0:
            raise CommandError("--clients must be 0 or more.")
        if if_empty and Organization.objects.exists():
            self.stderr.write("Database already has data; demo not loaded.")
            self._print_existing()
            return
        if scale or clients > SCALE_FROM:
            self._scale(clients=clients, seed=seed)
            return
        started = time.monotonic()
        try:
            result = build(clients=clients, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"Demo: {result.clients} clients in {time.monotonic() - started:.1f}s")
        for login in result.logins:
            self.stdout.write(f"{login.role} {login.email} {login.password}")
        self._print_two_factor_note()

    def _scale(self, *, clients: int, seed: int) -> None:
        if clients < 1:
            raise CommandError("--scale needs --clients 1 or more.")
        started = time.monotonic()
        suffix = "" if seed == 1 else f".{seed}"
        if not Organization.objects.filter(slug=f"demo-{seed}").exists():
            build(clients=SMALL_DEMO_CLIENTS, seed=seed)
            self.stderr.write(f"Named demo: {time.monotonic() - started:.1f}s")
        try:
            result = scale_load(
                clients=clients,
                seed=seed,
                progress=self.stderr.write,
                admin_email=f"admin{suffix}@demo.example.org",
            )
        except ScaleDemoExists as exc:
            raise CommandError(str(exc)) from exc
        for table, count in result.rows.items():
            seconds = result.write_seconds[table]
            self.stderr.write(f"  {table:<32} {count:>12} rows {seconds:8.1f} s writing")
        self.stderr.write(
            f"Scale demo: {result.clients} clients ({result.stages}) in "
            f"{time.monotonic() - started:.1f}s"
        )
        self._print_existing()
        self.stdout.write(f"coordinator {result.sample_login} {DEMO_PASSWORD}")

    def _print_existing(self):
        for role, email in demo_logins():
            self.stdout.write(f"{role} {email} {DEMO_PASSWORD}")
        self._print_two_factor_note()

    def _print_two_factor_note(self):
        note = demo_two_factor_note()
        if note:
            self.stdout.write(note)
