"""Every role over every discharge page and API endpoint.

- Anonymous: pages redirect to log in (302); the API answers 401/403.
- Coordinators and above of program A work the plan; only clinicians and admins edit the plan's
  date and diagnoses, graduate and sign. Front desk of program A: the discharge list and report
  are forbidden (403); a plan, referral or summary does not exist for them (404).
- Staff of program B and of another organization: program A's records do not exist (404).
- The client: the staff area does not exist (404); they read their own plan through the API, and
  their summary only once signed.
- The provider directory holds no client data: every staff member reads their organization's.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client as WebClient

from recoverypath.discharge import services
from recoverypath.discharge.models import DischargeSummary
from tests.conftest import api_as

from .conftest import appointment_at

ANON, CLIENT, OTHER, OUTSIDER = "anonymous", "client", "other_program", "outsider"
STAFF = ("admin", "clinician", "coordinator", "front_desk")
ROLES = (ANON, CLIENT, *STAFF, OTHER, OUTSIDER)


def _expect(table: dict, role: str) -> int:
    return table.get(role, table["*"])


@pytest.fixture
def world(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator,
        client=cast.client,
        provider=provider,
        appointment_at=appointment_at(plan.target_graduation_date),
    )
    services.summary_generate(actor=cast.clinician, plan=plan)
    summary = DischargeSummary.objects.get(plan=plan)
    return {"plan": plan, "referral": referral, "summary": summary, "provider": provider}


WORKERS = {"admin": 200, "clinician": 200, "coordinator": 200}
HIDDEN = {ANON: 302, CLIENT: 404, "front_desk": 404, OTHER: 404, OUTSIDER: 404}

PAGES = [
    (
        "plan list",
        lambda c, w: "/discharge/",
        {ANON: 302, CLIENT: 404, "front_desk": 403, "*": 200},
    ),
    ("plan", lambda c, w: f"/discharge/plans/{w['plan'].id}/", {**HIDDEN, **WORKERS, "*": 404}),
    (
        "plan edit",
        lambda c, w: f"/discharge/plans/{w['plan'].id}/edit/",
        {**HIDDEN, "admin": 200, "clinician": 200, "coordinator": 403, "*": 404},
    ),
    (
        "checklist item",
        lambda c, w: f"/discharge/plans/{w['plan'].id}/items/barriers/",
        {**HIDDEN, **WORKERS, "*": 404},
    ),
    (
        "unknown checklist item",
        lambda c, w: f"/discharge/plans/{w['plan'].id}/items/astrology/",
        {ANON: 302, "*": 404},
    ),
    (
        "new referral",
        lambda c, w: f"/discharge/clients/{c.client.id}/referrals/new/",
        {**HIDDEN, "front_desk": 403, **WORKERS, "*": 404},
    ),
    (
        "referral",
        lambda c, w: f"/discharge/referrals/{w['referral'].id}/",
        {**HIDDEN, **WORKERS, "*": 404},
    ),
    (
        "summary",
        lambda c, w: f"/discharge/summaries/{w['summary'].id}/",
        {**HIDDEN, **WORKERS, "*": 404},
    ),
    (
        "summary pdf",
        lambda c, w: f"/discharge/summaries/{w['summary'].id}/pdf/",
        {**HIDDEN, **WORKERS, "*": 404},
    ),
    ("providers", lambda c, w: "/discharge/providers/", {ANON: 302, CLIENT: 404, "*": 200}),
    (
        "new provider",
        lambda c, w: "/discharge/providers/new/",
        {ANON: 302, CLIENT: 404, "front_desk": 403, "*": 200},
    ),
    (
        "provider edit",
        lambda c, w: f"/discharge/providers/{w['provider'].id}/edit/",
        {ANON: 302, CLIENT: 404, "front_desk": 403, OUTSIDER: 404, "*": 200},
    ),
    (
        "gap report",
        lambda c, w: "/discharge/report/gap/",
        {ANON: 302, CLIENT: 404, "front_desk": 403, "*": 200},
    ),
    (
        "gap report for program A",
        lambda c, w: f"/discharge/report/gap/?program={c.program.id}",
        {ANON: 302, CLIENT: 404, "front_desk": 403, OTHER: 404, OUTSIDER: 404, "*": 200},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_each_page(cast, world, role):
    web = WebClient()
    user = cast.person(role)
    if user is not None:
        web.force_login(user)
    wrong = []
    for name, url, table in PAGES:
        status = web.get(url(cast, world)).status_code
        if status != _expect(table, role):
            wrong.append(f"{name}: {status} (expected {_expect(table, role)})")
    assert not wrong, wrong


API_HIDDEN = {ANON: 403, CLIENT: 404, "front_desk": 404, OTHER: 404, OUTSIDER: 404}

API_READS = [
    (
        "plan",
        lambda c, w: f"/api/v1/discharge-plans/{w['plan'].id}/",
        {**API_HIDDEN, CLIENT: 200, **WORKERS, "*": 404},
    ),
    (
        "readiness",
        lambda c, w: f"/api/v1/discharge-plans/{w['plan'].id}/readiness/",
        {**API_HIDDEN, CLIENT: 200, **WORKERS, "*": 404},
    ),
    (
        "item",
        lambda c, w: f"/api/v1/discharge-items/{w['plan'].items.first().id}/",
        {**API_HIDDEN, CLIENT: 200, **WORKERS, "*": 404},
    ),
    (
        "referral",
        lambda c, w: f"/api/v1/referrals/{w['referral'].id}/",
        {**API_HIDDEN, **WORKERS, "*": 404},
    ),
    (
        "summary",
        lambda c, w: f"/api/v1/discharge-summaries/{w['summary'].id}/",
        {**API_HIDDEN, **WORKERS, "*": 404},
    ),
    (
        "summary pdf",
        lambda c, w: f"/api/v1/discharge-summaries/{w['summary'].id}/pdf/",
        {**API_HIDDEN, **WORKERS, "*": 404},
    ),
    (
        "provider",
        lambda c, w: f"/api/v1/external-providers/{w['provider'].id}/",
        {ANON: 403, CLIENT: 403, OUTSIDER: 404, "*": 200},
    ),
    ("providers", lambda c, w: "/api/v1/external-providers/", {ANON: 403, CLIENT: 403, "*": 200}),
    ("plans", lambda c, w: "/api/v1/discharge-plans/", {ANON: 403, "*": 200}),
    ("referrals", lambda c, w: "/api/v1/referrals/", {ANON: 403, "*": 200}),
    (
        "gap report",
        lambda c, w: f"/api/v1/discharge-reports/gap/?program={c.program.id}",
        {**API_HIDDEN, **WORKERS, "*": 404},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_each_api_read(cast, world, role):
    api = api_as(cast.person(role))
    wrong = []
    for name, url, table in API_READS:
        status = api.get(url(cast, world)).status_code
        expected = _expect(table, role)
        if status != expected and not (expected == 403 and role == ANON and status == 401):
            wrong.append(f"{name}: {status} (expected {expected})")
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_lists_show_each_role_only_what_it_may_see(cast, world, role):
    if role == ANON:
        return
    api = api_as(cast.person(role))
    plans = api.get("/api/v1/discharge-plans/").json()["results"]
    referrals = api.get("/api/v1/referrals/").json()["results"]
    sees = role in ("admin", "clinician", "coordinator")
    assert len(plans) == (1 if sees or role == CLIENT else 0)
    assert len(referrals) == (1 if sees else 0)


WRITES = [
    # (name, method, url, body, expected per role)
    (
        "graduate",
        "post",
        lambda c, w: f"/api/v1/discharge-plans/{w['plan'].id}/graduate/",
        {},
        {**API_HIDDEN, CLIENT: 403, "coordinator": 403, "admin": 400, "clinician": 400, "*": 404},
    ),
    (
        "item update",
        "patch",
        lambda c, w: f"/api/v1/discharge-items/{w['plan'].items.get(kind='living_situation').id}/",
        {"status": "done", "data": {"situation": "stable"}},
        {**API_HIDDEN, CLIENT: 403, **WORKERS, "*": 404},
    ),
    (
        "plan update",
        "patch",
        lambda c, w: f"/api/v1/discharge-plans/{w['plan'].id}/",
        {"diagnoses": [{"code": "F11.20", "description": "Opioid use disorder, moderate"}]},
        {**API_HIDDEN, CLIENT: 403, "coordinator": 403, "admin": 200, "clinician": 200, "*": 404},
    ),
    (
        "referral create",
        "post",
        lambda c, w: "/api/v1/referrals/",
        None,
        {
            ANON: 403,
            CLIENT: 403,
            "front_desk": 403,
            "admin": 201,
            "clinician": 201,
            "coordinator": 201,
            "*": 400,
        },
    ),
    (
        "referral move",
        "post",
        lambda c, w: f"/api/v1/referrals/{w['referral'].id}/transition/",
        {"to": "cancelled"},
        {**API_HIDDEN, **WORKERS, "*": 404},
    ),
    (
        "summary sign",
        "post",
        lambda c, w: f"/api/v1/discharge-summaries/{w['summary'].id}/sign/",
        {},
        {**API_HIDDEN, "coordinator": 403, "admin": 200, "clinician": 200, "*": 404},
    ),
    (
        "provider create",
        "post",
        lambda c, w: "/api/v1/external-providers/",
        {"name": "Quietwater Sober Living (fictional)", "kind": "sober_living"},
        {ANON: 403, CLIENT: 403, "front_desk": 403, "*": 201},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_each_api_write(cast, world, role):
    api = api_as(cast.person(role))
    wrong = []
    for name, method, url, body, table in WRITES:
        if body is None:
            body = {"client": cast.client.id, "provider": world["provider"].id, "reason": "x"}
        with transaction.atomic():  # each write starts from the same world
            status = getattr(api, method)(url(cast, world), body, format="json").status_code
            transaction.set_rollback(True)
        expected = _expect(table, role)
        if status != expected and not (expected == 403 and role == ANON and status == 401):
            wrong.append(f"{name}: {status} (expected {expected})")
    assert not wrong, wrong


# POST-only pages: graduation, the alumni answer and the summary's sign, refresh and share.
# The world's plan is open with items open and its summary unsigned, so a permitted graduation is
# refused with the form (400), the alumni answer and a share are refused with a message (302).
WORKERS_REDIRECT = {"admin": 302, "clinician": 302, "coordinator": 302}
PAGE_POSTS = [
    (
        "graduate",
        lambda c, w: f"/discharge/plans/{w['plan'].id}/graduate/",
        {},
        {**HIDDEN, "coordinator": 403, "admin": 400, "clinician": 400, "*": 404},
    ),
    (
        "alumni answer",
        lambda c, w: f"/discharge/plans/{w['plan'].id}/alumni/",
        {"answer": "join"},
        {ANON: 302, CLIENT: 302, "front_desk": 404, **WORKERS_REDIRECT, "*": 404},
    ),
    (
        "summary sign",
        lambda c, w: f"/discharge/summaries/{w['summary'].id}/sign/",
        {},
        {**HIDDEN, "coordinator": 403, "admin": 302, "clinician": 302, "*": 404},
    ),
    (
        "summary refresh",
        lambda c, w: f"/discharge/summaries/{w['summary'].id}/refresh/",
        {},
        {**HIDDEN, "coordinator": 403, "admin": 302, "clinician": 302, "*": 404},
    ),
    (
        "summary share",
        lambda c, w: f"/discharge/summaries/{w['summary'].id}/share/",
        None,
        {**HIDDEN, "coordinator": 403, "admin": 302, "clinician": 302, "*": 404},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_each_page_post(cast, world, role):
    web = WebClient()
    user = cast.person(role)
    if user is not None:
        web.force_login(user)
    wrong = []
    for name, url, body, table in PAGE_POSTS:
        if body is None:
            body = {"referral": world["referral"].id}
        with transaction.atomic():  # each post starts from the same world
            response = web.post(url(cast, world), body)
            transaction.set_rollback(True)
        expected = _expect(table, role)
        if response.status_code != expected:
            wrong.append(f"{name}: {response.status_code} (expected {expected})")
        elif expected == 302 and role != ANON and "/login" in response["Location"]:
            wrong.append(f"{name}: sent to log in")
    assert not wrong, wrong


MORE_API_WRITES = [
    (
        "alumni answer",
        "post",
        lambda c, w: f"/api/v1/discharge-plans/{w['plan'].id}/alumni/",
        {"accept": True},
        # Offered only at graduation: everyone who may answer is refused with a conflict.
        {**API_HIDDEN, CLIENT: 409, "admin": 409, "clinician": 409, "coordinator": 409, "*": 404},
    ),
    (
        "summary share",
        "post",
        lambda c, w: f"/api/v1/discharge-summaries/{w['summary'].id}/share/",
        None,
        # Unsigned: a clinician or admin is told to sign first (400).
        {**API_HIDDEN, "coordinator": 403, "admin": 400, "clinician": 400, "*": 404},
    ),
    (
        "provider update",
        "patch",
        lambda c, w: f"/api/v1/external-providers/{w['provider'].id}/",
        {"services": "CBT, relapse prevention, family sessions"},
        # The directory is the organization's: program B's clinician manages it too.
        {ANON: 403, CLIENT: 403, "front_desk": 403, OUTSIDER: 404, "*": 200},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_the_other_api_writes(cast, world, role):
    api = api_as(cast.person(role))
    wrong = []
    for name, method, url, body, table in MORE_API_WRITES:
        if body is None:
            body = {"referral": world["referral"].id}
        with transaction.atomic():
            status = getattr(api, method)(url(cast, world), body, format="json").status_code
            transaction.set_rollback(True)
        expected = _expect(table, role)
        if status != expected and not (expected == 403 and role == ANON and status == 401):
            wrong.append(f"{name}: {status} (expected {expected})")
    assert not wrong, wrong
