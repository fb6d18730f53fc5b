"""Idle staff sessions end; signed-in browsers can be listed and ended; API tokens are named,
expire (sliding), can be listed and revoked, and die with a password change or deactivation."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client as WebClient
from django.utils import timezone

from recoverypath.accounts.models import ApiToken, SignedInSession
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as


def _token(user, password, name="") -> dict:
    body = {"email": user.email, "password": password}
    if name:
        body["name"] = name
    response = api_as(None).post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _api(secret: str):
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


# --- Idle sessions -------------------------------------------------------------------------------


def test_a_staff_session_ends_after_fifteen_idle_minutes(cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        web = WebClient()
        web.force_login(cast.clinician)
        assert web.get("/clients/").status_code == 200
        clock.shift(timedelta(minutes=14))
        assert web.get("/clients/").status_code == 200  # activity: the clock starts again
        clock.shift(timedelta(minutes=14))
        assert web.get("/clients/").status_code == 200
        clock.shift(timedelta(minutes=15, seconds=30))
        ended = web.get("/clients/")
        assert ended.status_code == 302
        assert ended["Location"] == "/accounts/login/?next=%2Fclients%2F"
        login_page = web.get(ended["Location"])
        assert b"signed out after 15 minutes without activity" in login_page.content
        assert web.get("/clients/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=cast.clinician).exists()
    assert not SignedInSession.objects.filter(user=cast.clinician).exists()


def test_the_idle_limit_is_a_program_setting(cast):
    cast.program.idle_timeout_minutes = 30
    cast.program.save(update_fields=["idle_timeout_minutes"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        web = WebClient()
        web.force_login(cast.clinician)
        clock.shift(timedelta(minutes=25))
        page = web.get("/clients/")
        assert page.status_code == 200
        assert b'data-idle-timeout="1800"' in page.content
        clock.shift(timedelta(minutes=31))
        assert web.get("/clients/").status_code == 302


def test_the_page_carries_the_limit_for_the_warning_script_and_no_inline_script(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    html = web.get("/clients/").content.decode()
    assert 'data-idle-timeout="900"' in html
    assert "recoverypath/app.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    script = WebClient().get("/static/recoverypath/app.js")
    body = b"".join(script.streaming_content) if script.streaming else script.content
    assert b"Stay signed in" in body


def test_stay_signed_in_and_background_polls(cast):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        web = WebClient()
        web.force_login(cast.clinician)
        clock.shift(timedelta(minutes=10))
        # A page's own polling does not keep a session alive...
        assert web.get("/clients/", HTTP_X_RP_BACKGROUND="1").status_code == 200
        clock.shift(timedelta(minutes=10))
        assert web.get("/clients/").status_code == 302
    with time_machine.travel(timezone.now(), tick=False) as clock:
        web = WebClient()
        web.force_login(cast.clinician)
        clock.shift(timedelta(minutes=14))
        # ...the warning's "Stay signed in" does.
        assert web.post("/accounts/session/keep-alive/").status_code == 204
        clock.shift(timedelta(minutes=14))
        assert web.get("/clients/").status_code == 200


def test_an_idle_api_call_with_a_session_gets_401_json(cast):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        web = WebClient()
        web.force_login(cast.clinician)
        clock.shift(timedelta(minutes=16))
        response = web.get("/api/v1/clients/")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "session_expired"


def test_a_client_session_has_no_idle_limit(cast):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        web = WebClient()
        web.force_login(cast.client_user)
        clock.shift(timedelta(hours=2))
        assert web.get("/me/").status_code == 200


# --- Signed-in devices ---------------------------------------------------------------------------


def test_the_devices_page_lists_sessions_and_ends_another_one(cast):
    laptop, phone = WebClient(), WebClient()
    laptop.post("/accounts/login/", {"username": cast.clinician.email, "password": cast.password})
    phone.post(
        "/accounts/login/",
        {"username": cast.clinician.email, "password": cast.password},
        HTTP_USER_AGENT="Fictional Phone Browser",
    )
    page = laptop.get("/accounts/security/")
    assert page.status_code == 200
    assert b"Fictional Phone Browser" in page.content
    assert b"This browser" in page.content
    other = SignedInSession.objects.get(user=cast.clinician, user_agent="Fictional Phone Browser")
    assert laptop.post(f"/accounts/security/sessions/{other.id}/end/").status_code == 302
    assert phone.get("/clients/").status_code == 302
    assert laptop.get("/clients/").status_code == 200
    # Another person's session is "not found".
    outsider = WebClient()
    outsider.force_login(cast.coordinator)
    mine = SignedInSession.objects.filter(user=cast.clinician).first()
    assert outsider.post(f"/accounts/security/sessions/{mine.id}/end/").status_code == 404


def test_sign_out_everywhere_ends_every_session_and_token(cast):
    # The token first: a password check re-hashes the fixture's weak test hash, and Django
    # ends the sessions opened before a hash change.
    secret = _token(cast.clinician, cast.password)["token"]
    cast.clinician.refresh_from_db()
    laptop, phone = WebClient(), WebClient()
    laptop.force_login(cast.clinician)
    phone.force_login(cast.clinician)
    response = laptop.post("/accounts/security/sign-out-everywhere/")
    assert response.status_code == 302
    assert laptop.get("/clients/").status_code == 302
    assert phone.get("/clients/").status_code == 302
    assert _api(secret).get("/api/v1/clients/").status_code == 401
    assert not SignedInSession.objects.filter(user=cast.clinician).exists()


# --- API tokens ----------------------------------------------------------------------------------


def test_a_token_has_a_name_an_expiry_and_its_login_is_audited(cast):
    issued = _token(cast.clinician, cast.password, name="Reporting script")
    assert issued["name"] == "Reporting script"
    expires = timezone.datetime.fromisoformat(issued["expires_at"])
    assert timedelta(days=29) < expires - timezone.now() <= timedelta(days=30)
    row = ApiToken.objects.get(id=issued["id"])
    assert issued["token"] not in row.key_digest  # only a digest is stored
    event = AuditEvent.objects.get(action="login", actor=cast.clinician)
    assert event.changes["via"] == "api_token"
    assert event.changes["token_name"] == "Reporting script"


def test_tokens_are_listed_and_revoked_through_the_api(cast):
    first = _token(cast.clinician, cast.password, name="first")
    second = _token(cast.clinician, cast.password, name="second")
    api = _api(first["token"])
    listing = api.get("/api/v1/auth/tokens/")
    assert listing.status_code == 200
    names = [row["name"] for row in listing.json()["results"]]
    assert set(names) == {"first", "second"}
    assert "token" not in listing.json()["results"][0]
    assert listing.json()["results"][0]["last_used_at"]

    assert api.delete(f"/api/v1/auth/tokens/{second['id']}/").status_code == 204
    assert _api(second["token"]).get("/api/v1/clients/").status_code == 401
    assert api.get("/api/v1/clients/").status_code == 200
    # Someone else's token is "not found", and stays live.
    theirs = _token(cast.coordinator, cast.password)
    refused = api.delete(f"/api/v1/auth/tokens/{theirs['id']}/")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    assert _api(theirs["token"]).get("/api/v1/clients/").status_code == 200
    assert api.delete("/api/v1/auth/tokens/99999999999999999999/").status_code in (400, 404)


def test_tokens_are_created_listed_and_revoked_on_the_web(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    created = web.post("/accounts/security/", {"name": "Laptop script"})
    secret = re.search(r'data-testid="new-token">([^<]+)<', created.content.decode()).group(1)
    assert _api(secret).get("/api/v1/clients/").status_code == 200
    page = web.get("/accounts/security/")
    assert b"Laptop script" in page.content
    assert secret.encode() not in page.content  # shown once
    token = ApiToken.objects.get(user=cast.clinician)
    assert web.post(f"/accounts/security/tokens/{token.id}/revoke/").status_code == 302
    assert _api(secret).get("/api/v1/clients/").status_code == 401


def test_a_token_expires_after_thirty_unused_days_and_each_use_slides_it(cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        kept = _token(cast.clinician, cast.password)["token"]
        idle = _token(cast.clinician, cast.password)["token"]
        clock.shift(timedelta(days=20))
        assert _api(kept).get("/api/v1/clients/").status_code == 200
        clock.shift(timedelta(days=20))  # day 40: 20 days after its last use
        assert _api(kept).get("/api/v1/clients/").status_code == 200
        expired = _api(idle).get("/api/v1/clients/")
        assert expired.status_code == 401
        assert expired.json()["error"]["code"] == "authentication_failed"


def test_a_password_reset_revokes_every_token(cast):
    secret = _token(cast.clinician, cast.password)["token"]
    web = WebClient()
    web.post("/accounts/password-reset/", {"email": cast.clinician.email})
    link = re.search(r"(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    url = web.get(link, follow=True).redirect_chain[-1][0]
    password = "a-fresh-fictional-pass-77"
    assert web.post(url, {"new_password1": password, "new_password2": password}).status_code == 302
    assert _api(secret).get("/api/v1/clients/").status_code == 401
    assert ApiToken.objects.get(user=cast.clinician).revoked_reason == "password_changed"
    # A new token with the new password works.
    assert (
        _api(_token(cast.clinician, password)["token"]).get("/api/v1/clients/").status_code == 200
    )


def test_a_password_change_anywhere_revokes_every_token(cast):
    secret = _token(cast.clinician, cast.password)["token"]
    cast.clinician.set_password("another-fictional-pass-5")
    cast.clinician.save()
    assert _api(secret).get("/api/v1/clients/").status_code == 401


def test_deactivation_revokes_every_token_and_session(cast):
    secret = _token(cast.clinician, cast.password)["token"]
    web = WebClient()
    web.post("/accounts/login/", {"username": cast.clinician.email, "password": cast.password})
    cast.clinician.is_active = False
    cast.clinician.save(update_fields=["is_active"])
    assert ApiToken.objects.get(user=cast.clinician).revoked_at is not None
    assert _api(secret).get("/api/v1/clients/").status_code == 401
    assert not SignedInSession.objects.filter(user=cast.clinician).exists()
    assert web.get("/clients/").status_code == 302


def test_the_devices_page_shows_when_a_session_was_last_used(cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        web = WebClient()
        web.post("/accounts/login/", {"username": cast.clinician.email, "password": cast.password})
        clock.shift(timedelta(minutes=6))
        web.get("/clients/")
    row = SignedInSession.objects.get(user=cast.clinician)
    assert row.last_seen_at - row.created_at >= timedelta(minutes=6)


def test_stay_signed_in_comes_too_late_after_the_limit(cast):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        web = WebClient()
        web.force_login(cast.clinician)
        clock.shift(timedelta(minutes=16))
        late = web.post("/accounts/session/keep-alive/")
        assert late.status_code == 302  # the page's script reloads into the log-in page
        assert web.get("/clients/").status_code == 302


def test_changing_the_password_keeps_this_browser_and_ends_the_rest(cast):
    secret = _token(cast.clinician, cast.password)["token"]
    cast.clinician.refresh_from_db()
    here, elsewhere = WebClient(), WebClient()
    here.force_login(cast.clinician)
    elsewhere.force_login(cast.clinician)
    new = "a-changed-fictional-pass-31"
    response = here.post(
        "/accounts/password/",
        {"old_password": cast.password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get("/clients/").status_code == 200
    assert elsewhere.get("/clients/").status_code == 302
    assert _api(secret).get("/api/v1/clients/").status_code == 401
    # This browser is still listed on the devices page.
    assert SignedInSession.objects.filter(user=cast.clinician).count() == 1


def test_a_failed_token_login_is_audited(cast):
    response = api_as(None).post(
        "/api/v1/auth/token/",
        {"email": cast.clinician.email, "password": "wrong-password"},
        format="json",
    )
    assert response.status_code == 400
    event = AuditEvent.objects.get(action="login_failed")
    assert event.changes["attempted_email"] == cast.clinician.email


def test_an_idle_htmx_request_sends_the_whole_page_to_the_login(cast):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        web = WebClient()
        web.force_login(cast.clinician)
        clock.shift(timedelta(minutes=16))
        response = web.get("/clients/", HTTP_HX_REQUEST="true")
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith("/accounts/login/?next=")
