"""One trusted-proxy rule (TRUSTED_PROXIES) for the audit address, the rate limits and
django-axes: the caller is the first untrusted hop from the right of X-Forwarded-For, so a forged
header changes nothing. Sign-in endpoints are limited per address and per account, and password
spraying from one address is blocked, with 429 + Retry-After in the one error shape."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client as WebClient

from recoverypath.core.models import AuditEvent
from recoverypath.core.net import TrustedProxies, first_untrusted_hop
from tests.conftest import api_as

ATTACKER = "203.0.113.66"
PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("setting", "remote", "forwarded", "expected"),
    [
        ("0", ATTACKER, "198.51.100.1", ATTACKER),  # no proxy: the header is ignored
        ("1", PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("2", PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        ("1", PROXY, "", PROXY),  # fewer hops than proxies: the nearest we checked
        ("1", PROXY, "not-an-address", PROXY),
        ("10.0.0.0/8", PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        ("10.0.0.0/8, fd00::/8", "fd00::1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.0/8", ATTACKER, "198.51.100.7", ATTACKER),  # not from a proxy: not believed
        ("10.0.0.0/8", PROXY, "10.0.0.3, 10.0.0.4", "10.0.0.3"),
        ("1", PROXY, "[2001:db8::5]:443", "2001:db8::5"),
    ],
)
def test_the_caller_is_the_first_untrusted_hop_from_the_right(setting, remote, forwarded, expected):
    assert first_untrusted_hop(remote, forwarded, TrustedProxies.parse(setting)) == expected


def test_a_bad_trusted_proxies_value_refuses_to_start():
    with pytest.raises(ImproperlyConfigured):
        TrustedProxies.parse("one proxy")


@pytest.mark.parametrize(
    ("setting", "forwarded", "expected"),
    [
        ("0", "198.51.100.1", PROXY),
        ("1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.0/8", "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
    ],
)
def test_the_audit_trail_records_the_first_untrusted_hop(
    cast, settings, setting, forwarded, expected
):
    settings.TRUSTED_PROXIES = setting
    web = WebClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    web.post("/accounts/login/", {"username": cast.clinician.email, "password": cast.password})
    event = AuditEvent.objects.get(action="login", actor=cast.clinician)
    assert event.ip_address == expected
    web.get(f"/clients/{cast.client.id}/")
    assert AuditEvent.objects.filter(action="read").latest("id").ip_address == expected


def _token(email, password, *, forwarded="", remote=ATTACKER):
    return api_as(None).post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_the_token_endpoint_limit_holds_whatever_x_forwarded_for_says(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": (100, 300)}
    limit = settings.RATE_LIMITS["login_address"][0]
    for n in range(limit):
        response = _token(f"nobody{n}@test.example.org", "x", forwarded=f"198.51.100.{n}")
        assert response.status_code in (400, 429)
        if response.status_code == 429:
            break  # the spraying block came first: also a refusal
    blocked = _token(cast.clinician.email, cast.password, forwarded="192.0.2.200")
    assert blocked.status_code == 429
    error = blocked.json()["error"]
    assert error["status"] == 429
    assert error["code"] == "throttled"
    assert int(blocked["Retry-After"]) > 0
    # Another caller is not affected.
    assert _token(cast.clinician.email, cast.password, remote="198.51.100.99").status_code == 200


def test_behind_one_proxy_rotating_the_left_of_the_header_does_not_help(cast, settings):
    settings.TRUSTED_PROXIES = "1"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_address": (3, 300)}
    for n in range(3):
        forged = f"192.0.2.{n}, {ATTACKER}"
        assert _token(cast.clinician.email, "wrong", forwarded=forged, remote=PROXY).status_code
    forged = f"192.0.2.99, {ATTACKER}"
    response = _token(cast.clinician.email, cast.password, forwarded=forged, remote=PROXY)
    assert response.status_code == 429
    # The proxy itself, and other callers behind it, are not blocked.
    assert (
        _token(cast.clinician.email, cast.password, forwarded="198.51.100.5", remote=PROXY)
    ).status_code == 200


def test_the_web_login_is_limited_per_account_across_addresses(cast, settings):
    limit = settings.RATE_LIMITS["login_account"][0]
    for n in range(limit):
        WebClient(REMOTE_ADDR=f"198.51.100.{n}").post(
            "/accounts/login/", {"username": cast.coordinator.email, "password": f"guess-{n}"}
        )
    response = WebClient(REMOTE_ADDR="198.51.100.200").post(
        "/accounts/login/", {"username": cast.coordinator.email, "password": cast.password}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many attempts" in response.content
    assert response["Content-Type"].startswith("text/html")


def test_password_spraying_from_one_address_is_blocked(cast, settings):
    limit = settings.RATE_LIMITS["login_failures_address"][0]
    for n in range(limit):
        WebClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            "/accounts/login/",
            {"username": f"staff{n}@test.example.org", "password": "Spring2026!"},
        )
    # Even a right password is refused from that address now, on the web and the API...
    web = WebClient(REMOTE_ADDR=ATTACKER).post(
        "/accounts/login/", {"username": cast.clinician.email, "password": cast.password}
    )
    assert web.status_code == 429
    assert _token(cast.clinician.email, cast.password).status_code == 429
    # ...but not from elsewhere.
    elsewhere = WebClient(REMOTE_ADDR="198.51.100.9").post(
        "/accounts/login/", {"username": cast.clinician.email, "password": cast.password}
    )
    assert elsewhere.status_code == 302


def test_password_reset_is_limited_per_account_and_per_address(cast, settings):
    per_account = settings.RATE_LIMITS["password_reset_account"][0]
    for n in range(per_account + 3):
        response = WebClient(REMOTE_ADDR=f"198.51.100.{n}").post(
            "/accounts/password-reset/", {"email": cast.clinician.email}
        )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(mail.outbox) == per_account

    per_address = settings.RATE_LIMITS["password_reset_address"][0]
    for n in range(per_address):
        WebClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            "/accounts/password-reset/", {"email": f"someone{n}@test.example.org"}
        )
    blocked = WebClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.250").post(
        "/accounts/password-reset/", {"email": cast.coordinator.email}
    )
    assert blocked.status_code == 429


def test_axes_locks_by_the_same_address_whatever_x_forwarded_for_says(cast, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        WebClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            "/accounts/login/", {"username": cast.clinician.email, "password": "wrong-password"}
        )
    locked = WebClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.77").post(
        "/accounts/login/", {"username": cast.clinician.email, "password": cast.password}
    )
    assert locked.status_code == 429
    assert (
        AuditEvent.objects.filter(action="login_failed").values("ip_address").distinct().count()
        == 1
    )
