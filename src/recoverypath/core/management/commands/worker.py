"""`recoverypath worker`: the Huey consumer (run_huey) with the project's settings."""

from __future__ import annotations

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand

from recoverypath.core.translations import compile_catalogues


class Command(RunHueyCommand):
    help = "Run the background worker: reminders, notifications, alert escalation, periodic jobs."

    def handle(self, *args, **options):
        compile_catalogues()  # messages are written in each recipient's language
        return super().handle(*args, **options)
