"""Probes for a load balancer (/healthz, /readyz) and what people see while the database is down:
a 503 with Retry-After (the one JSON error shape under /api/, a calm page elsewhere), never a 500;
after a database restart, no request fails on a stale connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client as WebClient
from rest_framework.test import APIClient

from recoverypath.accounts.services.tokens import api_token_issue

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT = 8149  # in this project's test port range; nothing listens there


def _database_down(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")  # no `db` fixture: any query would raise here
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_reports_the_database_and_the_queue_with_timings(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "queue"}
    for check in body["checks"].values():
        assert check["ok"] is True
        assert isinstance(check["ms"], float)
        assert check["ms"] >= 0


def test_readyz_is_503_when_a_query_fails(client, db):
    with connection.execute_wrapper(_database_down):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["queue"]["ok"] is True


def test_probes_answer_over_plain_http_and_by_address_in_production(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["rp.example.org"]
    web = WebClient()
    for path in ("/healthz", "/readyz"):
        response = web.get(path, HTTP_HOST="10.0.0.7")  # a probe by the instance's own address
        assert response.status_code == 200, path
        response = web.get(path, HTTP_HOST="rp.example.org")
        assert response.status_code == 200, path
    # Everything else still redirects to HTTPS and refuses unknown hosts.
    assert web.get("/accounts/login/", HTTP_HOST="rp.example.org").status_code == 301
    assert (
        WebClient(raise_request_exception=False)
        .get("/accounts/login/", HTTP_HOST="10.0.0.7")
        .status_code
        == 400
    )


def test_a_probe_is_not_a_page_for_other_methods(client, db):
    assert client.post("/healthz").status_code != 200


def test_an_api_call_during_an_outage_gets_503_json_with_retry_after(cast):
    token = api_token_issue(user=cast.clinician).secret
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    with connection.execute_wrapper(_database_down):
        response = api.get("/api/v1/clients/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["status"] == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert "try again" in response.json()["error"]["message"]


def test_an_api_write_during_an_outage_gets_503_json_not_500(cast):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(cast.client_user)
    with connection.execute_wrapper(_database_down):
        # A valid check-in: it must reach the database (bad input is answered 400 before that).
        response = api.post(
            "/api/v1/check-ins/",
            {"mood": 4, "craving": 2, "sleep_hours": 7, "stress": 3, "used": False},
            format="json",
        )
    assert response.status_code == 503, response.json()
    assert response.json()["error"]["code"] == "unavailable"


def test_a_page_during_an_outage_is_a_calm_503_page(cast):
    web = WebClient(raise_request_exception=False)
    web.force_login(cast.clinician)
    with connection.execute_wrapper(_database_down):
        response = web.get("/clients/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Back in a moment" in response.content
    assert b"Nothing you already saved was lost" in response.content
    assert b"Traceback" not in response.content


@pytest.mark.parametrize(
    ("error", "status"),
    [(ValueError("a bug"), 500), (OperationalError("connection refused"), 503)],
)
def test_only_an_unreachable_dependency_turns_a_server_error_into_a_503(error, status):
    from django.test import RequestFactory

    from recoverypath.core.views import server_error

    try:
        raise error
    except Exception:
        response = server_error(RequestFactory().get("/clients/"))
    assert response.status_code == status


# An outage for real: a server that is not there at all, in a fresh interpreter.
OUTAGE_SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.test import Client
    web = Client(raise_request_exception=False)
    results = {}
    for name, path, headers in [
        ("readyz", "/readyz", {}),
        ("healthz", "/healthz", {}),
        ("api", "/api/v1/clients/", {"HTTP_AUTHORIZATION": "Token 0123456789abcdef"}),
        ("page", "/clients/", {"HTTP_COOKIE": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}),
    ]:
        response = web.get(path, **headers)
        results[name] = {
            "status": response.status_code,
            "retry_after": response.headers.get("Retry-After"),
            "type": response.headers.get("Content-Type"),
            "body": response.content.decode()[:2000],
        }
    print(json.dumps(results))
    """
)


def _run_without_database(tmp_path) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "recoverypath.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "0",
        "TESTING": "1",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/i12_ops_gone",
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", OUTAGE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_the_database_unreachable_readyz_fails_and_nothing_is_a_500(tmp_path):
    results = _run_without_database(tmp_path)

    readyz = results["readyz"]
    assert readyz["status"] == 503
    assert readyz["retry_after"] == "30"
    checks = json.loads(readyz["body"])["checks"]
    assert checks["database"]["ok"] is False
    assert checks["database"]["error"] == "OperationalError"
    assert "127.0.0.1" not in readyz["body"]  # no host, port or password in a public probe

    assert results["healthz"]["status"] == 200  # the process itself is up

    api = results["api"]
    assert api["status"] == 503
    assert api["retry_after"] == "30"
    assert api["type"] == "application/json"
    assert json.loads(api["body"])["error"]["code"] == "unavailable"

    page = results["page"]
    assert page["status"] == 503
    assert page["retry_after"] == "30"
    assert "Back in a moment" in page["body"]


# A database restart under a running web process: the process keeps its connection between
# requests (CONN_MAX_AGE), the server drops it, and the next request must not fail on it.
RESTART_SCRIPT = textwrap.dedent(
    """
    import json, sys, django
    django.setup()
    from wsgiref.util import setup_testing_defaults
    from django.db import connection
    from recoverypath.wsgi import application

    def get(path):
        environ = {}
        setup_testing_defaults(environ)
        environ.update(PATH_INFO=path, HTTP_AUTHORIZATION="Token 0123456789abcdef")
        status = []
        body = application(environ, lambda line, headers, exc_info=None: status.append(line))
        try:
            b"".join(body)
        finally:
            body.close()  # request_finished: Django decides here whether to keep the connection
        return int(status[0].split()[0])

    first = get("/api/v1/clients/")
    print(json.dumps({"first": first, "pid": connection.connection.info.backend_pid}), flush=True)
    sys.stdin.readline()  # the test terminates this process's database connection meanwhile
    print(json.dumps({"second": get("/api/v1/clients/")}), flush=True)
    """
)


def _database_url() -> str:
    conf = connection.settings_dict
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{conf['USER']}{password}@{host}:{port}/{conf['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("health_checks", "second_status"), [("1", 401), ("0", 503)])
def test_after_a_database_restart_no_request_fails_on_a_stale_connection(
    tmp_path, health_checks, second_status
):
    """With CONN_HEALTH_CHECKS (the default) the request after the restart is answered normally
    (401 for the unknown token); without them it fails, as a 503 rather than a 500."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "recoverypath.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "0",
        "TESTING": "1",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "60",
        "CONN_HEALTH_CHECKS": health_checks,
        "REDIS_URL": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", RESTART_SCRIPT],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        before = json.loads(process.stdout.readline() or "{}")
        assert before.get("first") == 401, process.stderr.read()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [before["pid"]])
            assert cursor.fetchone()[0] == 0  # the web process's connection is gone
        stdout, stderr = process.communicate("go\n", timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert json.loads(stdout.strip().splitlines()[-1]) == {"second": second_status}, stderr
