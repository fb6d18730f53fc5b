"""Run the web server and the background worker together; Ctrl-C stops both."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web app and run the Huey worker side by side (development)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true")
        parser.add_argument(
            "--banner", default="", help="A file to print once both processes have started."
        )

    def handle(self, *args, addr: str, no_worker: bool, banner: str, **options):
        python = sys.executable
        processes = [
            subprocess.Popen([python, "-m", "recoverypath", "runserver", addr, "--noreload"]),
        ]
        if not no_worker:
            processes.append(subprocess.Popen([python, "-m", "recoverypath", "worker"]))

        def stop(*_):
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
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
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("Stopped web server and worker.")
