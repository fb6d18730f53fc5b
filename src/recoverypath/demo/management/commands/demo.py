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


class Command(BaseCommand):
    help = "Build a fictional demo organization with staff of every role and N clients."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=40)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has an organization.",
        )

    def handle(self, *args, clients: int, seed: int, if_empty: bool, **options):
        if clients < 0:
            raise CommandError("--clients must be 0 or more.")
        if if_empty and Organization.objects.exists():
            self.stderr.write("Database already has data; demo not loaded.")
            self._print_existing()
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

    def _print_existing(self):
        for role, email in demo_logins():
            self.stdout.write(f"{role} {email} {DEMO_PASSWORD}")
        self._print_two_factor_note()

    def _print_two_factor_note(self):
        note = demo_two_factor_note()
        if note:
            self.stdout.write(note)
