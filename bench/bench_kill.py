"""Kill test: under a check-in load, SIGKILL the web server and the worker, restart them, go on.

Runnable alone: `.venv/bin/python bench/bench_kill.py [CLIENTS] [KILLS]` (default 40 clients, 3
kills of each). Everything stays on 127.0.0.1, ports 8150-8159 (BENCH_KILL_PORT moves the base).

1. A fresh SQLite database (or BENCH_DATABASE_URL) with one program, a coordinator who gets alerts
   by e-mail and text message, and CLIENTS clients with API tokens.
2. Fake providers that record every call: an SMS gateway (http.server; also answers the status
   lookup SMS_STATUS_URL) and an SMTP server (aiosmtpd). Both answer slowly (0.4 s), so that a
   killed worker is often in the middle of a provider call.
3. gunicorn (recoverypath.wsgi, 2 workers x 2 threads) and `recoverypath worker` as real processes.
4. Four client threads post, per client, a check-in for each of the last four days (every other
   one reporting use, which raises one alert per client and day) and a PHQ-9, each POST with an
   Idempotency-Key, retrying the same request with the same key until it is acknowledged (2xx).
5. Meanwhile the web server's and the worker's process groups are SIGKILLed in turn and restarted.
6. Once the load is done, the worker runs on until no notification is queued or sending (a row a
   dead worker left `sending` is settled after NOTIFICATION_CLAIM_SECONDS, 60 s).

Prints acknowledged vs stored check-ins and assessments, alerts expected vs present, check-ins
changed twice, notifications per outcome and how many the providers got twice. Exits 1 when a
pair differs or anything was sent twice.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from _harness import bench_client, bench_django, bench_member, bench_program

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BASE_PORT = int(os.environ.get("BENCH_KILL_PORT", "8150"))
WEB_PORT, SMS_PORT, SMTP_PORT = BASE_PORT, BASE_PORT + 3, BASE_PORT + 4
PROVIDER_DELAY = 0.4
ZONE = "America/New_York"
DRAIN_SECONDS = 200


# --- Fake providers that record every call ------------------------------------------------------


class SmsGateway:
    def __init__(self, port: int):
        self.calls: list[str] = []  # Idempotency-Key of every POST received
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key", "")
                with gateway.lock:
                    gateway.calls.append(key)
                    number = len(gateway.calls)
                time.sleep(PROVIDER_DELAY)
                self._answer(200, {"id": f"gw-{number}"})

            def do_GET(self):
                key = self.path.rsplit("/", 1)[-1]
                with gateway.lock:
                    known = key in gateway.calls
                self._answer(200 if known else 404, {"id": f"gw-{key}"} if known else {})

            def _answer(self, status, payload):
                body = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the worker died while we were answering
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.calls: list[str] = []  # Message-ID of every message received
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                text = envelope.content.decode("utf-8", errors="replace")
                message_id = next(
                    (
                        line.split(":", 1)[1].strip()
                        for line in text.splitlines()
                        if line.lower().startswith("message-id:")
                    ),
                    "",
                )
                sink.calls.append(message_id)
                await asyncio.sleep(PROVIDER_DELAY)
                return "250 Message accepted"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()

    def close(self):
        self.controller.stop()


# --- The processes under test -------------------------------------------------------------------


class Service:
    """A process started in its own process group, so SIGKILL takes all of it (gunicorn's
    workers too), as when a machine or container dies."""

    def __init__(self, name: str, argv: list[str], log: Path):
        self.name, self.argv, self.log = name, argv, log
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
            )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.kills += 1

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def wait_until_up(token: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{WEB_PORT}/api/v1/check-ins/",
                headers={"Authorization": f"Token {token}"},
            )
            with urllib.request.urlopen(request, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the web server did not come up")


# --- Load ---------------------------------------------------------------------------------------


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.acked_check_ins: set[tuple[int, str]] = set()
        self.acked_use: set[tuple[int, str]] = set()
        self.acked_assessments: set[int] = set()
        self.posts = 0
        self.retries = 0
        self.replays = 0
        self.refused: list[str] = []


def post_until_acknowledged(token: str, path: str, body: dict, tally: Tally) -> dict | None:
    """POST with one Idempotency-Key, retried (same key, same body) until a 2xx arrives."""
    key = str(uuid.uuid4())
    data = json.dumps(body).encode()
    deadline = time.monotonic() + 120
    first = True
    while time.monotonic() < deadline:
        with tally.lock:
            tally.posts += 1
            tally.retries += 0 if first else 1
        first = False
        request = urllib.request.Request(
            f"http://127.0.0.1:{WEB_PORT}{path}",
            data=data,
            method="POST",
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                answer = json.loads(response.read())
                if response.headers.get("Idempotent-Replayed"):
                    with tally.lock:
                        tally.replays += 1
                return answer
        except urllib.error.HTTPError as exc:
            if exc.code in (409, 429) or exc.code >= 500:
                time.sleep(0.3)
                continue
            with tally.lock:
                tally.refused.append(f"{path} {exc.code} {exc.read()[:200]!r}")
            return None
        except OSError:  # connection refused or reset: the server is down or was killed
            time.sleep(0.3)
    with tally.lock:
        tally.refused.append(f"{path}: no answer within 120 s")
    return None


def client_load(clients: list[tuple[int, str]], tally: Tally) -> None:
    today = datetime.now(ZoneInfo(ZONE)).date()
    for n, (client_id, token) in enumerate(clients):
        for back in range(3, -1, -1):
            day = (today - timedelta(days=back)).isoformat()
            used = (n + back) % 2 == 0
            body = {
                "date": day,
                "mood": 3,
                "craving": 1,
                "sleep_hours": 7,
                "stress": 3,
                "used": used,
                "substances": ["alcohol"] if used else [],
            }
            if post_until_acknowledged(token, "/api/v1/check-ins/", body, tally) is not None:
                with tally.lock:
                    tally.acked_check_ins.add((client_id, day))
                    if used:
                        tally.acked_use.add((client_id, day))
        phq9 = {"client": client_id, "instrument": "PHQ-9", "answers": [1, 0, 1, 0, 0, 0, 0, 0, 0]}
        answer = post_until_acknowledged(token, "/api/v1/assessments/", phq9, tally)
        if answer is not None:
            with tally.lock:
                tally.acked_assessments.add(answer["id"])


# --- The run ------------------------------------------------------------------------------------


def build(clients: int) -> list[tuple[int, str]]:
    from recoverypath.accounts.models import User
    from recoverypath.accounts.services.tokens import api_token_issue
    from recoverypath.notifications.models import NotificationPreference

    org, program = bench_program(time_zone=ZONE)
    coordinator = bench_member(program, "coordinator", first_name="Cora")
    NotificationPreference.objects.create(
        user=coordinator, email=True, sms=True, in_app=True, phone="+12025550142"
    )
    made = []
    for i in range(clients):
        user = User.objects.create_user(f"client{i}@bench.example.org", "bench-pass-42")
        client = bench_client(org, program, i, user=user, coordinator=coordinator)
        client.save()
        made.append((client.id, api_token_issue(user=user).secret))
    return made


def main() -> int:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    kills = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    os.environ.update(
        {
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
            "SMS_URL": f"http://127.0.0.1:{SMS_PORT}/messages",
            "SMS_STATUS_URL": f"http://127.0.0.1:{SMS_PORT}/messages/{{key}}",
            "SMS_TOKEN": "bench-token-not-secret",
            "NOTIFICATION_CLAIM_SECONDS": "60",
            "NOTIFICATION_RETRY_SECONDS": "5",
            "WORKER_THREADS": "2",
            "CONN_MAX_AGE": "60",
        }
    )
    sms, smtp = SmsGateway(SMS_PORT), SmtpSink(SMTP_PORT)
    with bench_django("kill", web=False, quiet=False) as bench:
        from django.db import connections

        made = build(clients)
        _point_children_at_the_bench_database()
        connections.close_all()
        web = Service(
            "web",
            [
                str(BIN / "gunicorn"),
                "recoverypath.wsgi",
                "--bind",
                f"127.0.0.1:{WEB_PORT}",
                "--workers",
                "2",
                "--threads",
                "2",
                "--timeout",
                "30",
            ],
            bench.workdir / "web.log",
        )
        worker = Service(
            "worker", [str(BIN / "recoverypath"), "worker"], bench.workdir / "worker.log"
        )
        web.start()
        worker.start()
        services = [web, worker]
        try:
            wait_until_up(made[0][1])
            tally = Tally()
            threads = [
                threading.Thread(target=client_load, args=(made[i::4], tally)) for i in range(4)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for n in range(2 * kills):
                time.sleep(3.0)
                if not any(t.is_alive() for t in threads):
                    break
                victim = services[n % 2]
                victim.kill()
                time.sleep(0.5)
                victim.start()
            for thread in threads:
                thread.join()
            load_seconds = time.monotonic() - started
            drained = drain(timeout=DRAIN_SECONDS)
            return report(
                tally, made, web, worker, sms, smtp, load_seconds=load_seconds, drained=drained
            )
        finally:
            web.stop()
            worker.stop()
            sms.close()
            smtp.close()


def _point_children_at_the_bench_database() -> None:
    """On PostgreSQL the harness made a `test_` database: the servers must use it too."""
    from urllib.parse import urlsplit, urlunsplit

    from django.db import connection

    if connection.vendor != "postgresql":
        return
    url = urlsplit(os.environ["DATABASE_URL"])
    os.environ["DATABASE_URL"] = urlunsplit(
        url._replace(path=f"/{connection.settings_dict['NAME']}")
    )


def drain(*, timeout: float) -> float:
    """Wait until no notification is queued or sending (the worker runs its sweeps)."""
    from django.db import connections

    from recoverypath.notifications.models import Notification

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        busy = Notification.objects.filter(
            status__in=[Notification.Status.QUEUED, Notification.Status.SENDING]
        ).count()
        connections.close_all()
        if not busy:
            return time.monotonic() - started
        time.sleep(2)
    return -1.0


def report(tally, made, web, worker, sms, smtp, *, load_seconds: float, drained: float) -> int:
    from recoverypath.alerts.models import Alert
    from recoverypath.assessments.models import Assessment
    from recoverypath.core.models import IdempotencyRecord
    from recoverypath.monitoring.models import CheckIn
    from recoverypath.notifications.models import Notification

    stored_check_ins = CheckIn.objects.count()
    revised = CheckIn.objects.filter(revision__gt=1).count()
    stored_assessments = Assessment.objects.count()
    alerts = Alert.objects.count()
    rows = Counter(
        (channel, status)
        for channel, status in Notification.objects.exclude(channel="in_app").values_list(
            "channel", "status"
        )
    )
    sms_twice = sum(1 for count in Counter(sms.calls).values() if count > 1)
    mail_twice = sum(1 for count in Counter(smtp.calls).values() if count > 1)
    figures = [
        ("clients", len(made)),
        ("load seconds", round(load_seconds, 1)),
        ("web server SIGKILLs", web.kills),
        ("worker SIGKILLs", worker.kills),
        ("POSTs sent (incl. retries)", tally.posts),
        ("retries after a kill/409", tally.retries),
        ("answers replayed from Idempotency-Key", tally.replays),
        ("idempotency records", IdempotencyRecord.objects.count()),
        ("check-ins acknowledged", len(tally.acked_check_ins)),
        ("check-ins stored", stored_check_ins),
        ("check-ins changed twice (revision > 1)", revised),
        ("assessments acknowledged", len(tally.acked_assessments)),
        ("assessments stored", stored_assessments),
        ("alerts expected (acknowledged use reports)", len(tally.acked_use)),
        ("alerts present", alerts),
        ("e-mail rows sent / unknown / other", _split(rows, "email")),
        ("SMS rows sent / unknown / other", _split(rows, "sms")),
        ("SMTP messages received", len(smtp.calls)),
        ("SMS gateway POSTs received", len(sms.calls)),
        ("notifications sent twice (e-mail)", mail_twice),
        ("notifications sent twice (SMS)", sms_twice),
        ("seconds until no notification queued/sending", round(drained, 1)),
    ]
    print("Kill test (loopback only)")
    for label, value in figures:
        print(f"  {label:<46} {value}")
    for refusal in tally.refused[:5]:
        print(f"  refused: {refusal}")
    failures = []
    if len(tally.acked_check_ins) != stored_check_ins or revised:
        failures.append("check-ins acknowledged != stored, or one was applied twice")
    if len(tally.acked_assessments) != stored_assessments:
        failures.append("assessments acknowledged != stored")
    if len(tally.acked_use) != alerts:
        failures.append("alerts expected != present")
    if sms_twice or mail_twice:
        failures.append("a notification reached a provider twice")
    if tally.refused:
        failures.append(f"{len(tally.refused)} POSTs were refused or never answered")
    if drained < 0:
        failures.append("notifications still queued or sending after the drain")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


def _split(rows: Counter, channel: str) -> str:
    sent = rows[(channel, "sent")]
    unknown = rows[(channel, "unknown")]
    other = sum(n for (c, s), n in rows.items() if c == channel and s not in ("sent", "unknown"))
    return f"{sent} / {unknown} / {other}"


if __name__ == "__main__":
    sys.exit(main())
