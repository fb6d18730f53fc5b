"""Invitation links are rate limited per caller address (the first untrusted hop): guessing links
or a date of birth is slowed, a forged X-Forwarded-For opens no fresh counter, and another
address is unaffected. One person sending invitations is limited per account."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from recoverypath.accounts.models import Invitation
from tests.conftest import api_as
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"


def test_guessing_invitation_links_from_one_address_is_stopped_with_a_429(settings):
    limit = settings.RATE_LIMITS["invitation_accept_address"][0]
    for n in range(limit):
        guess = WebClient(REMOTE_ADDR=ATTACKER).get(f"/invite/guess-{n}/")
        assert guess.status_code == 404
    refused = WebClient(REMOTE_ADDR=ATTACKER).get("/invite/guess-last/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert WebClient(REMOTE_ADDR="198.51.100.9").get("/invite/guess-x/").status_code == 404


def test_a_forged_x_forwarded_for_does_not_bypass_the_invitation_limit(settings):
    settings.TRUSTED_PROXIES = "0"  # no proxy in front: the header is the caller's own words
    limit = settings.RATE_LIMITS["invitation_accept_address"][0]
    for n in range(limit):
        WebClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            f"/invite/guess-{n}/",
            {"date_of_birth": "1990-05-17", "password": "x", "password2": "x"},
        )
    forged = WebClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.250")
    assert forged.get("/invite/guess-last/").status_code == 429


def test_one_person_sending_too_many_invitations_is_stopped_in_the_one_error_shape(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation_send_account": (2, 3600)}
    api = api_as(cast.front_desk)
    sent = [
        api.post(
            f"/api/v1/clients/{ClientFactory(program=cast.program).id}/invite/",
            {"email": f"newcomer{n}@test.example.org"},
            format="json",
        )
        for n in range(3)
    ]
    assert [r.status_code for r in sent] == [201, 201, 429]
    error = sent[-1].json()["error"]
    assert error["code"] == "rate_limited"
    assert "Too many invitations" in error["message"]
    assert Invitation.objects.count() == 2
    # The web form says so too, and someone else may still invite.
    web = WebClient()
    web.force_login(cast.front_desk)
    page = web.post(
        f"/clients/{ClientFactory(program=cast.program).id}/invite/",
        {"email": "late@test.example.org"},
        follow=True,
    )
    assert "Too many invitations" in page.content.decode()
    other = api_as(cast.coordinator).post(
        f"/api/v1/clients/{ClientFactory(program=cast.program).id}/invite/",
        {"email": "other@test.example.org"},
        format="json",
    )
    assert other.status_code == 201
