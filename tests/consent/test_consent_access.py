"""Every role over every consent page and API endpoint.

- Coordinators and above of program A record, read and revoke program A's consents.
- Front desk of program A: recording is forbidden (403); a consent does not exist for them (404).
- Staff of program B and of another organization: program A's consents do not exist (404); the
  client they name is not theirs to choose (400 on the API).
- The client: reads their own consents through the API; the staff pages do not exist (404) and
  they may neither record nor revoke (403).
- Anonymous: pages redirect to log in (302); the API answers 401/403.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client as WebClient

from recoverypath.consent.models import Consent
from recoverypath.consent.services import consent_create
from recoverypath.core.timezones import local_today
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

ANON, CLIENT, OTHER, OUTSIDER = "anonymous", "client", "other_program", "outsider"
ROLES = (ANON, CLIENT, "admin", "clinician", "coordinator", "front_desk", OTHER, OUTSIDER)
TODAY = local_today("America/New_York")


def _expect(table: dict, role: str) -> int:
    return table[role]  # every table names every role


FIELDS = {
    "information_description": "Discharge summary and aftercare plan",
    "recipient_name": "Birchlight Counseling (fictional)",
    "purposes": ["treatment"],
    "revocation_right_explained": True,
    "how_to_revoke": "Write to the program director.",
    "expires_on": (TODAY + timedelta(days=90)).isoformat(),
    "signed_by_name": "Juniper Quillfeather",
    "signed_on": TODAY.isoformat(),
    "categories": ["discharge_summary", "aftercare_plan"],
    "signature_attested": True,
}


@pytest.fixture
def consent(cast) -> Consent:
    return consent_create(
        actor=cast.coordinator,
        client=cast.client,
        **{**FIELDS, "expires_on": TODAY + timedelta(days=90), "signed_on": TODAY},
    )


WORKERS = {"admin": 200, "clinician": 200, "coordinator": 200}
HIDDEN = {ANON: 302, CLIENT: 404, "front_desk": 404, OTHER: 404, OUTSIDER: 404}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_the_consent_pages(cast, consent, role):
    web = WebClient()
    user = cast.person(role)
    if user is not None:
        web.force_login(user)
    new = web.get(f"/consent/clients/{cast.client.id}/new/")
    assert new.status_code == _expect({**HIDDEN, "front_desk": 403, **WORKERS}, role)
    with transaction.atomic():
        revoke = web.post(f"/consent/{consent.id}/revoke/", {"note": "Letter of May 3"})
        consent.refresh_from_db()
        revoked = consent.status == Consent.Status.REVOKED
        transaction.set_rollback(True)
    workers = {"admin": 302, "clinician": 302, "coordinator": 302}
    assert revoke.status_code == _expect({**HIDDEN, **workers}, role)
    assert revoked == (role in workers)


API_HIDDEN = {ANON: 403, CLIENT: 404, "front_desk": 404, OTHER: 404, OUTSIDER: 404}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_the_consent_api(cast, consent, role):
    api = api_as(cast.person(role))
    created = {"admin": 201, "clinician": 201, "coordinator": 201}
    checks = [
        ("read", "get", f"/api/v1/consents/{consent.id}/", None, {**API_HIDDEN, CLIENT: 200}),
        (
            "create",
            "post",
            "/api/v1/consents/",
            {**FIELDS, "client": cast.client.id},
            {ANON: 403, CLIENT: 403, "front_desk": 403, OTHER: 400, OUTSIDER: 400, **created},
        ),
        (
            "revoke",
            "post",
            f"/api/v1/consents/{consent.id}/revoke/",
            {"note": "Letter of May 3"},
            {**API_HIDDEN, CLIENT: 403},
        ),
    ]
    wrong = []
    for name, method, url, body, table in checks:
        with transaction.atomic():  # each call starts from the same consent
            status = getattr(api, method)(url, body, format="json").status_code
            transaction.set_rollback(True)
        expected = _expect({**WORKERS, **table}, role)
        if status != expected and not (expected == 403 and role == ANON and status == 401):
            wrong.append(f"{name}: {status} (expected {expected})")
    assert not wrong, wrong


@pytest.mark.parametrize("role", ROLES)
def test_the_consent_list_shows_each_role_only_what_it_may_see(cast, consent, role):
    response = api_as(cast.person(role)).get("/api/v1/consents/")
    if role == ANON:
        assert response.status_code in (401, 403)
        return
    sees = role in (CLIENT, "admin", "clinician", "coordinator")
    assert [row["id"] for row in response.json()["results"]] == ([consent.id] if sees else [])
