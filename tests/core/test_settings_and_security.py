"""Production settings refuse to start without secrets; every response carries the security
headers; 403/404/500 pages use the layout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client as WebClient
from django.test import RequestFactory

ROOT = Path(__file__).resolve().parents[2]


def _run_settings(tmp_path, code: str, **env_vars) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with a clean environment (no pytest loaded)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "recoverypath.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "0",
        "SECRET_KEY": "",
        "TESTING": "0",
        **env_vars,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


SETUP = "import django; django.setup(); from django.conf import settings as s; "


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run_settings(tmp_path, SETUP + "print('started')")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "started" not in result.stdout
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_starts_with_a_secret_key_and_safe_defaults(tmp_path):
    code = SETUP + (
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS, s.SECURE_CONTENT_TYPE_NOSNIFF, "
        "s.ALLOWED_HOSTS, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
    )
    result = _run_settings(tmp_path, code, SECRET_KEY="x" * 60, ALLOWED_HOSTS="rp.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "DENY",
        "True",
        "['rp.example.org']",
        "Argon2PasswordHasher",
    ]


def test_development_generates_a_secret_key_once_under_var(tmp_path):
    code = SETUP + "print(len(s.SECRET_KEY))"
    first = _run_settings(tmp_path, code, DEBUG="1")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "var" / "secret_key"
    key = key_file.read_text()
    assert _run_settings(tmp_path, code, DEBUG="1").returncode == 0
    assert key_file.read_text() == key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_a_bad_time_zone_setting_is_refused_loudly(tmp_path):
    result = _run_settings(tmp_path, SETUP + "print(1)", DEBUG="1", TIME_ZONE="Mars/Base")
    assert result.returncode != 0
    assert "TIME_ZONE" in result.stderr


def test_argon2_is_the_default_password_hasher():
    from recoverypath import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_new_password_is_stored_with_argon2(settings, db):
    from recoverypath import settings as project_settings
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory()
    user.set_password("a-long-fictional-password")
    assert user.password.startswith("argon2$")
    assert user.check_password("a-long-fictional-password")


@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/clients/", "/no-such-page/"])
def test_every_response_carries_the_security_headers(db, url):
    response = WebClient().get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_hsts_is_sent_over_https_with_production_settings(db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    response = WebClient().get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    insecure = WebClient().get("/accounts/login/")
    assert insecure.status_code == 301
    assert insecure["Location"].startswith("https://")


def test_the_session_cookie_is_httponly_and_lax(cast):
    web = WebClient()
    web.post("/accounts/login/", {"username": cast.clinician.email, "password": cast.password})
    cookie = web.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_the_404_page_uses_the_layout(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    response = web.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="topbar"' in html
    assert "Caseload" in html  # navigation is there
    assert "988" in html  # the crisis line footer


def test_the_403_page_uses_the_layout(cast):
    web = WebClient()
    web.force_login(cast.front_desk)
    response = web.get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have access to this page" in html
    assert 'class="topbar"' in html


def test_the_404_page_renders_for_anonymous_visitors(db):
    response = WebClient().get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Log out" not in response.content


def test_the_500_handler_renders_a_page_without_the_database(db, django_assert_num_queries):
    from recoverypath import urls
    from recoverypath.core import views

    assert urls.handler500 == "recoverypath.core.views.server_error"
    with django_assert_num_queries(0):
        response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"988" in response.content


def test_an_unhandled_error_shows_the_500_page(cast, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("fictional failure")

    import recoverypath.urls as root

    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {
            "urlpatterns": [path("boom/", boom), *root.urlpatterns],
            "handler500": root.handler500,
            "handler404": root.handler404,
            "handler403": root.handler403,
        },
    )
    web = WebClient(raise_request_exception=False)
    response = web.get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_static_files_are_served_by_the_app_without_a_cdn(db):
    response = WebClient().get("/accounts/login/")
    html = response.content.decode()
    assert "https://" not in html.split("<body")[0]
    assert "/static/recoverypath/app.css" in html
