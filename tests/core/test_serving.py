"""`recoverypath serve` runs gunicorn with a JSON access log that names no one, reloads on HUP,
collects static files itself; `check --deploy` passes with production settings and fails while
static files are not collected."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from recoverypath.core.checks import STATIC_NOT_COLLECTED, static_manifest_missing
from recoverypath.core.management.commands.serve import Command as Serve

ROOT = Path(__file__).resolve().parents[2]
PORT = 8141  # this project's test port range
ADDR = f"127.0.0.1:{PORT}"


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "recoverypath.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": "fictional-" + "k7Qp2x" * 10,
        "ALLOWED_HOSTS": "rp.example.org,127.0.0.1",
        "REDIS_URL": "",
        **extra,
    }


def _fake_collected_static(tmp_path: Path) -> None:
    """What collectstatic leaves behind, as far as the check and `serve` look (a real run takes
    minutes on a busy machine: the API docs' assets are compressed twice)."""
    static = tmp_path / "var" / "static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')


def _recoverypath(tmp_path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "recoverypath", *args],
        cwd=tmp_path,
        env=_production_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_fails_while_static_files_are_not_collected(tmp_path):
    result = _recoverypath(tmp_path, "check", "--deploy")
    assert result.returncode != 0
    assert STATIC_NOT_COLLECTED in result.stderr
    assert "collectstatic" in result.stderr


def test_check_deploy_passes_with_production_settings(tmp_path):
    _fake_collected_static(tmp_path)
    result = _recoverypath(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_static_check_is_quiet_in_development(settings):
    settings.DEBUG = True
    assert static_manifest_missing() is None


def test_serve_collects_static_files_when_the_manifest_is_missing(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    # Only the project's own assets, not every app's (the API docs' would take minutes).
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    assert static_manifest_missing() == tmp_path / "static" / "staticfiles.json"

    Serve()._collect_static_if_missing()

    assert static_manifest_missing() is None
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "recoverypath/app.css" in manifest["paths"]


def test_gunicorn_processes_and_threads_come_from_the_cpu_count_or_the_environment(settings):
    settings.WEB_WORKERS = 0
    settings.WEB_THREADS = 0
    command = Serve().gunicorn_command("127.0.0.1:8000")
    workers = int(command[command.index("--workers") + 1])
    threads = int(command[command.index("--threads") + 1])
    cpus = len(os.sched_getaffinity(0))
    assert workers == min(2 * cpus + 1, 12)
    assert threads >= 2

    settings.WEB_WORKERS = 3
    settings.WEB_THREADS = 8
    command = Serve().gunicorn_command("127.0.0.1:8000")
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--threads") + 1] == "8"
    assert "recoverypath.wsgi:application" in command


def test_a_negative_worker_count_is_refused_loudly(tmp_path):
    result = _recoverypath(tmp_path, "check", WEB_WORKERS="-1")
    assert result.returncode != 0
    assert "WEB_WORKERS" in result.stderr


def _get(path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_until_up(process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        try:
            if _get("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("gunicorn did not answer /healthz in time")


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines()


def test_serve_runs_gunicorn_with_a_json_access_log_and_reloads_on_hup(tmp_path):
    _fake_collected_static(tmp_path)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "recoverypath", "serve", "--no-worker", "--addr", ADDR],
            cwd=tmp_path,
            env=_production_env(
                tmp_path, WEB_WORKERS="1", WEB_THREADS="2", SECURE_SSL_REDIRECT="0"
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(process, time.monotonic() + 90)
        status, headers, _body = _get(
            "/api/v1/clients/42/?search=Juniper+Quillfeather",
            **{"X-Request-ID": "proxy-id-0001", "User-Agent": "probe"},
        )
        assert status == 401
        assert headers["X-Request-ID"] == "proxy-id-0001"
        assert headers["Server"].startswith("gunicorn")

        time.sleep(0.5)
        records = [json.loads(line) for line in _lines(log) if line.startswith("{")]
        record = next(r for r in records if r.get("request_id") == "proxy-id-0001")
        assert record["method"] == "GET"
        assert record["status"] == 401
        assert record["path"] == "/api/v1/clients/<pk>/"
        assert isinstance(record["ms"], float)
        assert "Juniper" not in log.read_text()  # no query string
        assert "probe" not in log.read_text()  # no user agent

        booted = sum("Booting worker" in line for line in _lines(log))
        process.send_signal(signal.SIGHUP)  # `serve --no-worker` became gunicorn's master
        deadline = time.monotonic() + 60
        while sum("Booting worker" in line for line in _lines(log)) <= booted:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        _wait_until_up(process, time.monotonic() + 60)
        assert process.poll() is None  # reloaded, not restarted

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
