"""Links in e-mails are built from the configured SITE_URL (#18 part 7), never from the Host
header of the request that caused them; `make run` sets SITE_URL to the address it serves."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client as WebClient

from recoverypath.notifications.messages import absolute_link

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_a_password_reset_link_uses_the_site_url_not_the_host_header(cast, settings):
    settings.SITE_URL = "https://care.test.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    WebClient().post(
        "/accounts/password-reset/",
        {"email": cast.client_user.email},
        HTTP_HOST="attacker.test.example.net",
    )
    [message] = mail.outbox
    assert re.search(r"https://care\.test\.example\.org/accounts/reset/\S+", message.body)
    assert "attacker" not in message.body


def test_notification_links_use_the_site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8850"
    assert absolute_link("/me/") == "http://127.0.0.1:8850/me/"


def test_make_run_sets_the_site_url_to_the_address_it_serves():
    # `run`'s own variables, with its recipe swapped for one that prints SITE_URL (nothing runs).
    def site_url(*extra: str, env: dict[str, str] | None = None) -> str:
        out = subprocess.run(
            ["make", "-s", "-f", "Makefile", "-f", "-", "-o", ".venv/.installed", "run", *extra],
            input='run: ; @echo "$$SITE_URL"\n',
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
            env={"PATH": "/usr/bin:/bin", **(env or {})},
        )
        return out.stdout.strip()

    assert site_url("PORT=8850") == "http://127.0.0.1:8850"
    assert site_url("HOST=0.0.0.0", "PORT=8851") == "http://0.0.0.0:8851"
    assert site_url(env={"SITE_URL": "https://care.test.example.org"}) == (
        "https://care.test.example.org"
    )
