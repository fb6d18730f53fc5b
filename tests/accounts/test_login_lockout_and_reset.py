"""Logging in by e-mail, lockout after repeated failures (web and token API), password reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client as WebClient

from recoverypath.core.models import AuditEvent
from tests.conftest import api_as


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the token endpoint's throttle counts in the cache
    yield
    cache.clear()


def _web_login(web, email, password):
    return web.post("/accounts/login/", {"username": email, "password": password})


def _token(email, password, address="198.51.100.4"):
    return api_as(None).post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_a_person_logs_in_with_their_e_mail_in_any_case(cast):
    web = WebClient()
    response = _web_login(web, cast.clinician.email.upper(), cast.password)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_login_does_not_redirect_to_another_site(cast):
    response = WebClient().post(
        "/accounts/login/",
        {
            "username": cast.clinician.email,
            "password": cast.password,
            "next": "https://evil.example.org/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_log_out_needs_a_post(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    assert web.get("/accounts/logout/").status_code == 405
    assert web.get("/clients/").status_code == 200
    assert web.post("/accounts/logout/").status_code == 302
    assert web.get("/clients/").status_code == 302


def test_a_wrong_password_shows_an_error_on_the_form(cast):
    response = _web_login(WebClient(), cast.clinician.email, "wrong-password")
    assert response.status_code == 200
    assert b"do not match an account" in response.content


def test_the_web_login_locks_after_the_failure_limit(cast, settings):
    web = WebClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _web_login(web, cast.clinician.email, "wrong-password").status_code == 200
    locked = _web_login(web, cast.clinician.email, "wrong-password")
    assert locked.status_code == 429
    assert b"Too many failed log-in attempts" in locked.content
    # Even the right password is refused while locked.
    again = _web_login(WebClient(), cast.clinician.email, cast.password)
    assert again.status_code in (403, 429)
    assert "_auth_user_id" not in web.session
    assert AuditEvent.objects.filter(action="login_failed").count() >= settings.AXES_FAILURE_LIMIT


def test_failures_below_the_limit_do_not_lock(cast, settings):
    web = WebClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _web_login(web, cast.clinician.email, "wrong-password")
    assert _web_login(web, cast.clinician.email, cast.password).status_code == 302


def test_changing_the_case_of_the_e_mail_does_not_escape_the_lockout(cast, settings):
    web = WebClient()
    email = cast.clinician.email
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        variant = email.upper() if attempt % 2 else email.title()
        _web_login(web, variant, "wrong-password")
    assert _web_login(WebClient(), email, cast.password).status_code in (403, 429)


def test_the_lockout_of_one_account_leaves_another_alone(cast, settings):
    web = WebClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _web_login(web, cast.clinician.email, "wrong-password")
    assert _web_login(WebClient(), cast.coordinator.email, cast.password).status_code == 302


def test_the_token_api_locks_after_the_failure_limit(cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _token(cast.clinician.email, "wrong-password")
        assert response.status_code in (400, 403, 429)
        assert response.json()["error"]["code"]
    locked = _token(cast.clinician.email.upper(), cast.password)
    assert locked.status_code == 429
    assert "token" not in locked.json()
    assert locked.json()["error"]["code"] == "locked_out"
    # The web login of that account from that address is locked too (axes counts per e-mail
    # and address, so one attacker cannot lock a clinician out everywhere).
    from_there = WebClient(REMOTE_ADDR="198.51.100.4")
    assert _web_login(from_there, cast.clinician.email, cast.password).status_code == 429
    assert locked.json()["error"]["status"] == locked.status_code


def test_the_token_api_issues_a_token_that_authenticates(cast):
    response = _token(cast.clinician.email, cast.password)
    assert response.status_code == 200
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get(f"/api/v1/clients/{cast.client.id}/").json()["mrn"] == cast.client.mrn
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    bad = api.get("/api/v1/clients/")
    # 401 would need TokenAuthentication listed first in settings (DRF takes the first class's
    # WWW-Authenticate); with SessionAuthentication first DRF answers 403.
    assert bad.status_code in (401, 403)
    assert bad.json()["error"]["code"] == "authentication_failed"


def test_the_token_api_refuses_an_inactive_account(cast):
    cast.clinician.is_active = False
    cast.clinician.save()
    response = _token(cast.clinician.email, cast.password)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"]


def test_the_token_api_rejects_a_malformed_request_with_field_messages(cast):
    response = api_as(None).post("/api/v1/auth/token/", {"email": "nope"}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "email" in fields and "password" in fields


def test_a_password_reset_e_mail_is_sent_and_its_link_sets_a_new_password(cast):
    web = WebClient()
    response = web.post("/accounts/password-reset/", {"email": cast.client_user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    [message] = mail.outbox
    assert message.to == [cast.client_user.email]
    assert "Reset your RecoveryPath password" in message.subject
    assert cast.client.last_name not in message.body  # no health information in e-mail
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body).group(1)

    form = web.get(link, follow=True)
    assert form.status_code == 200
    assert b"Choose a new password" in form.content
    new_password = "a-brand-new-fictional-pass"
    done = web.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"
    cast.client_user.refresh_from_db()
    assert cast.client_user.check_password(new_password)
    assert _web_login(WebClient(), cast.client_user.email, new_password).status_code == 302


def test_a_used_reset_link_does_not_work_twice(cast):
    web = WebClient()
    web.post("/accounts/password-reset/", {"email": cast.clinician.email})
    link = re.search(r"(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = web.get(link, follow=True)
    url = form.redirect_chain[-1][0]
    password = "another-fictional-pass-9"
    web.post(url, {"new_password1": password, "new_password2": password})
    again = WebClient().get(link, follow=True)
    assert b"This link has expired" in again.content


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(db):
    response = WebClient().post("/accounts/password-reset/", {"email": "nobody@test.example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_a_weak_new_password_is_refused(cast):
    web = WebClient()
    web.post("/accounts/password-reset/", {"email": cast.clinician.email})
    link = re.search(r"(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    url = web.get(link, follow=True).redirect_chain[-1][0]
    response = web.post(url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
