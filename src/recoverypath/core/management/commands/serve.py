"""`recoverypath serve`: the production web server (gunicorn) and the background worker side by
side; `--dev` uses Django's development server instead. Ctrl-C or SIGTERM stops both; SIGHUP
reloads both gracefully (new code and settings, requests in flight finish)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from recoverypath.core.checks import static_manifest_missing
from recoverypath.core.translations import compile_catalogues


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def web_processes(cpus: int) -> int:
    """Gunicorn processes when WEB_WORKERS is 0: two per CPU plus one, at most 12 (memory)."""
    return min(2 * cpus + 1, 12)


def web_threads(cpus: int) -> int:
    """Threads per process when WEB_THREADS is 0: requests mostly wait on the database, so a few
    per process; fewer on a big machine that already runs many processes."""
    return 4 if cpus <= 2 else 2


class Command(BaseCommand):
    help = (
        "Serve the web app (gunicorn; --dev for Django's development server) and run the Huey "
        "worker beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to listen on")
        parser.add_argument(
            "--dev", action="store_true", help="Django's development server (not for production)"
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="the web server only (run `worker` apart)"
        )
        parser.add_argument(
            "--banner", default="", help="A file to print once both processes have started."
        )

    def handle(self, *args, addr: str, dev: bool, no_worker: bool, banner: str, **options):
        python = sys.executable
        compile_catalogues()  # an install without `make` has no compiled translations yet
        if dev:
            web = [python, "-m", "recoverypath", "runserver", addr, "--noreload"]
        else:
            self._collect_static_if_missing()
            web = self.gunicorn_command(addr)
        if no_worker and not banner:
            # Become gunicorn itself, so a service manager's signals (HUP, TERM) reach it.
            self.stdout.flush()
            os.execv(web[0], web)
        processes = [subprocess.Popen(web)]
        if not no_worker:
            processes.append(subprocess.Popen([python, "-m", "recoverypath", "worker"]))
        self._supervise(processes, addr=addr, banner=banner)

    def gunicorn_command(self, addr: str) -> list[str]:
        cpus = _cpu_count()
        workers = settings.WEB_WORKERS or web_processes(cpus)
        threads = settings.WEB_THREADS or web_threads(cpus)
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "recoverypath.wsgi:application",
            "--config",
            "python:recoverypath.gunicorn_conf",
            "--bind",
            addr,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ]

    def _collect_static_if_missing(self) -> None:
        manifest = static_manifest_missing()
        if manifest is None:
            return
        self.stdout.write(f"Collecting static files into {settings.STATIC_ROOT} (no manifest yet)")
        call_command("collectstatic", interactive=False, verbosity=0)
        if static_manifest_missing() is not None:
            raise CommandError(f"collectstatic did not write {manifest}.")

    def _supervise(self, processes: list[subprocess.Popen], *, addr: str, banner: str) -> None:
        def forward(signum, _frame):
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signum)

        def stop(*_):
            # Each stops gracefully on its own signal: gunicorn on TERM, Huey on INT (its TERM
            # would abandon the tasks it is running).
            for process, signum in zip(processes, (signal.SIGTERM, signal.SIGINT), strict=False):
                if process.poll() is None:
                    process.send_signal(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, forward)  # gunicorn and Huey both reload gracefully on HUP
        if banner:
            time.sleep(2)
            with open(banner) as lines:
                self.stdout.write(
                    f"\nRecoveryPath: http://{addr}/\nDemo logins (role e-mail "
                    f"password):\n{lines.read()}"
                )
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in processes:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("Stopped web server and worker.")
