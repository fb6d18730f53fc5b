"""The background worker rides out outages: with its queue (Redis) gone it keeps running and takes
work again once Redis is back; a task that fails because the database is unreachable is logged and
the worker goes on; after a database restart the next task runs on a fresh connection.

A real `recoverypath worker` process, a scratch Redis server of this test's own, and this test
run's own PostgreSQL database (made unreachable with ALLOW_CONNECTIONS, never the shared server)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.core.test_health_and_outages import _database_url

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = 8143  # this project's test port range
REDIS_SERVER = shutil.which("redis-server")
SCRATCH = ["--save", "", "--appendonly", "no", "--dir"]  # nothing kept on disk
TASK = "recoverypath.alerts.tasks.alerts_escalate_overdue_task"  # queries the alerts table
ENQUEUE = (
    "import django; django.setup(); "
    "from recoverypath.alerts.tasks import alerts_escalate_overdue_task as task; "
    "print(task().id)"
)


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "recoverypath.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": "fictional-" + "w0rk3r" * 10,
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "60",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "HUEY_IMMEDIATE": "0",
        "HUEY_NAME": "i12-worker-outage-test",
        "WORKER_THREADS": "1",
    }


def _start_redis(tmp_path: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", *SCRATCH, str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis as redis_client

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if redis_client.Redis(port=REDIS_PORT, socket_connect_timeout=1).ping():
                return process
        except redis_client.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError("scratch Redis did not start")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _enqueue(tmp_path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", ENQUEUE],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _outcome(log: Path, task_id: str, timeout: float = 60) -> str:
    """'executed' or 'failed', from the worker's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text()
        if f"{TASK}: {task_id} executed in" in text:
            return "executed"
        if f"Unhandled exception in task {task_id}" in text:
            return "failed"
        time.sleep(0.3)
    raise AssertionError(f"task {task_id} neither ran nor failed:\n{log.read_text()[-3000:]}")


def _terminate_other_connections() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def _allow_connections(allowed: bool) -> None:
    """PostgreSQL refuses this from a connection to the database itself: use the maintenance one."""
    import psycopg

    conf = connection.settings_dict
    name = connection.ops.quote_name(conf["NAME"])
    with psycopg.connect(
        dbname="postgres",
        user=conf["USER"],
        password=conf.get("PASSWORD") or None,
        host=conf.get("HOST") or "127.0.0.1",
        port=conf.get("PORT") or 5432,
        autocommit=True,
    ) as maintenance:
        maintenance.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {str(allowed).lower()}")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server for a scratch Redis")
def test_the_worker_survives_queue_and_database_outages_and_resumes(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    redis = _start_redis(tmp_path)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "recoverypath", "worker"],
            cwd=ROOT,
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert _outcome(log, _enqueue(tmp_path)) == "executed"

        # 1. The queue goes away: the worker logs and waits, and takes work once it is back.
        _stop(redis)
        deadline = time.monotonic() + 30
        while "Error reading from queue" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.3)
        assert worker.poll() is None
        redis = _start_redis(tmp_path)
        assert _outcome(log, _enqueue(tmp_path)) == "executed"

        # 2. The database restarts: the worker's kept connection is dead; the next task must run.
        _terminate_other_connections()
        assert _outcome(log, _enqueue(tmp_path)) == "executed"

        # 3. The database is unreachable: the task fails (OperationalError), the worker lives on...
        _allow_connections(False)
        try:
            _terminate_other_connections()
            failed = _enqueue(tmp_path)
            assert _outcome(log, failed) == "failed"
            assert "OperationalError" in log.read_text()
            assert worker.poll() is None
        finally:
            _allow_connections(True)
        # ...and works again once the database is back.
        assert _outcome(log, _enqueue(tmp_path)) == "executed"
        assert worker.poll() is None
    finally:
        _stop(worker)
        _stop(redis)
