"""Two-factor sign-in: enrolment with a QR code, the code step at log in, recovery codes, an
admin's reset of a lost device, the grace period, and the `otp` field of the token endpoint."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as WebClient
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from recoverypath.accounts.models import RecoveryCode
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as, force_login_verified
from tests.factories import enrol_two_factor, totp_code

NOW = "2026-11-20 15:00:00+00:00"


def _login(web, email, password):
    return web.post("/accounts/login/", {"username": email, "password": password})


def _enrol_on_the_web(web, user) -> list[str]:
    started = web.post("/accounts/two-factor/", {"action": "start"})
    assert started.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = web.post(
        "/accounts/two-factor/",
        {"action": "confirm", "device": device.id, "code": totp_code(device)},
    )
    assert done.status_code == 200
    return re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.content.decode())


def test_a_clinician_enrols_with_a_qr_code_and_sees_recovery_codes_once(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    page = web.get("/accounts/two-factor/")
    assert b"Set up two-factor sign-in" in page.content

    started = web.post("/accounts/two-factor/", {"action": "start"})
    html = started.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code, no script needed (CSP)
    assert "<script>" not in html
    device = TOTPDevice.objects.get(user=cast.clinician, confirmed=False)
    manual_key = re.search(r'data-testid="manual-key">([A-Z2-7 ]+)<', html).group(1)
    assert len(manual_key.replace(" ", "")) == 32

    done = web.post(
        "/accounts/two-factor/",
        {"action": "confirm", "device": device.id, "code": totp_code(device)},
    )
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.content.decode())
    assert len(codes) == 10
    assert done["Cache-Control"] == "no-store"
    device.refresh_from_db()
    assert device.confirmed
    # Stored as digests only: no code appears in the table.
    stored = list(RecoveryCode.objects.values_list("code_digest", flat=True))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)
    assert AuditEvent.objects.filter(
        actor=cast.clinician, object_id=str(cast.clinician.id), changes__two_factor__1="enrolled"
    ).exists()

    again = web.get("/accounts/two-factor/")
    assert b"Two-factor sign-in is <strong>on</strong>" in again.content
    assert b"10</strong> unused recovery codes" in again.content
    assert not any(code.encode() in again.content for code in codes)
    # The session that enrolled is verified: pages open without a code step.
    assert web.get("/clients/").status_code == 200


def test_a_wrong_code_does_not_turn_two_factor_on(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    web.post("/accounts/two-factor/", {"action": "start"})
    device = TOTPDevice.objects.get(user=cast.clinician)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    response = web.post(
        "/accounts/two-factor/", {"action": "confirm", "device": device.id, "code": wrong}
    )
    assert response.status_code == 200
    assert b"That code does not match" in response.content
    device.refresh_from_db()
    assert not device.confirmed


def test_an_enrolled_account_needs_the_code_after_the_password(cast):
    device = enrol_two_factor(cast.clinician)
    web = WebClient()
    with time_machine.travel(NOW, tick=False):
        response = _login(web, cast.clinician.email, cast.password)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/code/"
        assert "_auth_user_id" not in web.session  # not logged in by the password alone
        assert web.get("/clients/").status_code == 302
        assert not AuditEvent.objects.filter(action="login", actor=cast.clinician).exists()

        wrong = "000000" if totp_code(device) != "000000" else "111111"
        refused = web.post("/accounts/login/code/", {"code": wrong})
        assert refused.status_code == 200
        assert b"That code does not match" in refused.content
        assert AuditEvent.objects.filter(
            action="login_failed", changes__reason="two-factor code"
        ).exists()
    with time_machine.travel(timezone.datetime.fromisoformat(NOW) + timedelta(seconds=40)):
        # django-otp slows down guessing after a failure; a moment later the right code works.
        done = web.post("/accounts/login/code/", {"code": totp_code(device)})
        assert done.status_code == 302
        assert done["Location"] == "/"
        assert web.get("/clients/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=cast.clinician).exists()


def test_the_code_step_locks_after_repeated_wrong_codes(cast, settings):
    enrol_two_factor(cast.clinician)
    web = WebClient()
    _login(web, cast.clinician.email, cast.password)
    limit = settings.RATE_LIMITS["two_factor_account"][0]
    for _ in range(limit):
        web.post("/accounts/login/code/", {"code": "12345"})
    locked = web.post("/accounts/login/code/", {"code": "12345"})
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert b"Too many attempts" in locked.content
    # The password step has to be passed again.
    assert web.get("/accounts/login/code/").status_code == 302


def test_a_recovery_code_signs_in_once(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    codes = _enrol_on_the_web(web, cast.clinician)
    web.post("/accounts/logout/")

    fresh = WebClient()
    _login(fresh, cast.clinician.email, cast.password)
    done = fresh.post("/accounts/login/code/", {"code": codes[0].upper()})
    assert done.status_code == 302
    assert fresh.get("/clients/").status_code == 200
    assert AuditEvent.objects.filter(changes__two_factor="recovery code used").exists()

    other = WebClient()
    _login(other, cast.clinician.email, cast.password)
    reused = other.post("/accounts/login/code/", {"code": codes[0]})
    assert reused.status_code == 200
    assert b"That code does not match" in reused.content
    assert other.post("/accounts/login/code/", {"code": codes[1]}).status_code == 302


def test_a_session_opened_without_the_code_is_held_at_the_code_step(cast):
    # E.g. the Django admin's own login form: a password alone never reaches a page.
    enrol_two_factor(cast.clinician)
    web = WebClient()
    web.force_login(cast.clinician)
    held = web.get("/clients/")
    assert held.status_code == 302
    assert held["Location"].startswith("/accounts/login/code/")
    api = web.get("/api/v1/clients/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "two_factor_required"


def test_a_verified_session_of_an_enrolled_user_opens_pages(cast):
    device = enrol_two_factor(cast.clinician)
    web = WebClient()
    force_login_verified(web, cast.clinician, device)
    assert web.get("/clients/").status_code == 200


def test_an_admin_resets_a_lost_device_and_it_is_audited(cast):
    device = enrol_two_factor(cast.clinician)
    lost_phone_session = WebClient()
    force_login_verified(lost_phone_session, cast.clinician, device)
    token = api_as(None).post(
        "/api/v1/auth/token/",
        {"email": cast.clinician.email, "password": cast.password, "otp": totp_code(device)},
        format="json",
    )
    assert token.status_code == 200

    admin = WebClient()
    admin.force_login(cast.admin)
    listing = admin.get("/staff/two-factor/")
    assert listing.status_code == 200
    assert cast.clinician.email.encode() in listing.content
    response = admin.post(f"/staff/two-factor/{cast.clinician.id}/reset/")
    assert response.status_code == 302

    assert not TOTPDevice.objects.filter(user=cast.clinician).exists()
    event = AuditEvent.objects.get(actor=cast.admin, changes__two_factor__1="reset by admin")
    assert event.object_id == str(cast.clinician.id)
    # Whoever has the lost phone and a session or token has nothing left.
    assert lost_phone_session.get("/clients/").status_code == 302
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.get("/api/v1/clients/").status_code == 401
    # The clinician signs in with the password again (in the grace period: no code asked).
    assert _login(WebClient(), cast.clinician.email, cast.password)["Location"] == "/"


@pytest.mark.parametrize("role", ["clinician", "front_desk", "outsider", "client"])
def test_only_an_admin_of_the_staff_members_program_may_reset(cast, role):
    enrol_two_factor(cast.coordinator)
    web = WebClient()
    web.force_login(cast.person(role))
    response = web.post(f"/staff/two-factor/{cast.coordinator.id}/reset/")
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=cast.coordinator).exists()


def test_an_admin_cannot_reset_their_own_device(cast):
    device = enrol_two_factor(cast.admin)
    web = WebClient()
    force_login_verified(web, cast.admin, device)
    assert web.post(f"/staff/two-factor/{cast.admin.id}/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=cast.admin).exists()


def test_staff_in_the_grace_period_are_offered_enrolment_on_every_page(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    page = web.get("/clients/")
    assert page.status_code == 200
    assert b'data-testid="two-factor-banner"' in page.content
    client = WebClient()
    client.force_login(cast.client_user)
    assert b"two-factor-banner" not in client.get("/me/").content


def test_after_the_grace_period_staff_without_a_device_must_enrol(cast):
    cast.program.two_factor_grace_days = 7
    cast.program.save(update_fields=["two_factor_grace_days"])
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        web = WebClient()
        web.force_login(cast.clinician)
        client = WebClient()
        client.force_login(cast.client_user)
        held = web.get("/clients/")
        assert held.status_code == 302
        assert held["Location"] == "/accounts/two-factor/"
        assert web.get("/accounts/two-factor/").status_code == 200
        api = web.get("/api/v1/clients/")
        assert api.json()["error"]["code"] == "two_factor_enrolment_required"
        # Nor may the API be used instead.
        token = api_as(None).post(
            "/api/v1/auth/token/",
            {"email": cast.clinician.email, "password": cast.password},
            format="json",
        )
        assert token.status_code == 403
        assert token.json()["error"]["code"] == "two_factor_enrolment_required"
        # Clients only opt in.
        assert client.get("/me/").status_code == 200


def test_a_program_sets_its_own_grace_period(cast):
    cast.program.two_factor_grace_days = 0
    cast.program.save(update_fields=["two_factor_grace_days"])
    web = WebClient()
    web.force_login(cast.clinician)
    assert web.get("/clients/")["Location"] == "/accounts/two-factor/"


def test_a_client_may_opt_in_and_out_but_staff_may_not_turn_it_off(cast):
    client = WebClient()
    client.force_login(cast.client_user)
    assert len(_enrol_on_the_web(client, cast.client_user)) == 10
    client.post("/accounts/two-factor/", {"action": "remove"})
    assert not TOTPDevice.objects.filter(user=cast.client_user).exists()

    staff = WebClient()
    staff.force_login(cast.clinician)
    _enrol_on_the_web(staff, cast.clinician)
    staff.post("/accounts/two-factor/", {"action": "remove"})
    assert TOTPDevice.objects.filter(user=cast.clinician, confirmed=True).exists()


def test_the_token_endpoint_needs_the_current_code_for_an_enrolled_account(cast):
    device = enrol_two_factor(cast.clinician)
    body = {"email": cast.clinician.email, "password": cast.password}
    with time_machine.travel(NOW, tick=False):
        missing = api_as(None).post("/api/v1/auth/token/", body, format="json")
        assert missing.status_code == 400
        assert missing.json()["error"]["code"] == "otp_required"
        assert "otp" in missing.json()["error"]["fields"]
        wrong = api_as(None).post("/api/v1/auth/token/", {**body, "otp": "000000x"}, format="json")
        assert wrong.status_code == 400
        assert wrong.json()["error"]["code"] == "invalid_otp"
        right = api_as(None).post(
            "/api/v1/auth/token/", {**body, "otp": totp_code(device)}, format="json"
        )
        assert right.status_code == 200
        assert right.json()["token"]


def test_the_token_endpoint_documents_the_otp_field(cast):
    schema = api_as(None).get("/api/v1/schema/?format=json")
    request = schema.json()["components"]["schemas"]["TokenRequestRequest"]
    assert "otp" in request["properties"]


def test_the_django_admin_signs_in_through_the_app_login(db):
    response = WebClient().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_superuser_resets_any_account_from_the_django_admin(cast):
    from tests.factories import UserFactory

    boss = UserFactory(is_staff=True, is_superuser=True)
    enrol_two_factor(cast.client_user)
    web = WebClient()
    web.force_login(boss)
    response = web.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [cast.client_user.id]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.client_user).exists()
    assert AuditEvent.objects.filter(
        actor=boss, object_id=str(cast.client_user.id), changes__two_factor__1="reset by admin"
    ).exists()
