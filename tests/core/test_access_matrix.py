"""Every role over every page and API endpoint of core, accounts and clients.

Expectations, from ARCHITECTURE.md "Who may see what" and core/permissions.py:
- Anonymous: pages redirect (302) to the login page; the API answers 401 (WWW-Authenticate:
  Token) in the one error shape (code "not_authenticated"); login, password reset, schema and
  docs are public.
- Staff (admin, clinician, coordinator, front desk of program A) see and edit program A's clients
  and their support contacts; only admins browse the audit log (others 403).
- Staff of another program of the same organization, and staff of another organization, get 404
  for program A's client: never a hint that the record exists.
- A client sees only their own record: their home page (/me/), their own support contacts (web and
  API) and their own client JSON. The staff area does not exist for them (404); they may not change
  their demographics (403) nor register clients (403).
- Logged-in users on the login page are sent on (302).
"""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from tests.conftest import api_as

ANON = "anonymous"
CLIENT = "client"
STAFF = ("admin", "clinician", "coordinator", "front_desk")
OTHER_PROGRAM = "other_program"
OUTSIDER = "outsider"
ROLES = (ANON, CLIENT, *STAFF, OTHER_PROGRAM, OUTSIDER)


def _expect(table: dict, role: str) -> int:
    if role in table:
        return table[role]
    if role in STAFF and "staff" in table:
        return table["staff"]
    return table["*"]


def _contact(cast):
    return cast.client.support_contacts.order_by("id").first()


# (name, url builder, {role: status}); "staff" covers the four program-A roles, "*" the rest.
PAGES = [
    ("home", lambda c: "/", {ANON: 302, "*": 302}),
    ("caseload", lambda c: "/clients/", {ANON: 302, CLIENT: 404, "*": 200}),
    ("client create", lambda c: "/clients/new/", {ANON: 302, CLIENT: 404, "*": 200}),
    (
        "client page",
        lambda c: f"/clients/{c.client.id}/",
        {ANON: 302, CLIENT: 404, "staff": 200, "*": 404},
    ),
    (
        "client edit",
        lambda c: f"/clients/{c.client.id}/edit/",
        {ANON: 302, CLIENT: 404, "staff": 200, "*": 404},
    ),
    (
        "contact create",
        lambda c: f"/clients/{c.client.id}/contacts/new/",
        {ANON: 302, CLIENT: 200, "staff": 200, "*": 404},
    ),
    (
        "contact edit",
        lambda c: f"/clients/{c.client.id}/contacts/{_contact(c).id}/edit/",
        {ANON: 302, CLIENT: 200, "staff": 200, "*": 404},
    ),
    (
        "contact create for another program's client",
        lambda c: f"/clients/{c.other_program_client.id}/contacts/new/",
        {ANON: 302, OTHER_PROGRAM: 200, "*": 404},
    ),
    (
        "another program's client page",
        lambda c: f"/clients/{c.other_program_client.id}/",
        {ANON: 302, CLIENT: 404, OTHER_PROGRAM: 200, "*": 404},
    ),
    (
        "another organization's client page",
        lambda c: f"/clients/{c.outsider_client.id}/",
        {ANON: 302, CLIENT: 404, OUTSIDER: 200, "*": 404},
    ),
    ("client home", lambda c: "/me/", {ANON: 302, CLIENT: 200, "*": 404}),
    (
        "audit log",
        lambda c: "/audit/",
        {ANON: 302, CLIENT: 404, "admin": 200, OUTSIDER: 200, "*": 403},
    ),
    ("to-do list", lambda c: "/todo/", {ANON: 302, CLIENT: 404, "*": 200}),
    ("login", lambda c: "/accounts/login/", {ANON: 200, "*": 302}),
    ("password reset", lambda c: "/accounts/password-reset/", {"*": 200}),
    ("password reset sent", lambda c: "/accounts/password-reset/sent/", {"*": 200}),
    ("password reset bad link", lambda c: "/accounts/reset/MQ/bad-token/", {"*": 200}),
    ("unknown page", lambda c: "/no-such-page/", {"*": 404}),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_each_page(cast, role):
    web = WebClient()
    user = cast.person(role)
    if user is not None:
        web.force_login(user)
    wrong = []
    for name, url, table in PAGES:
        response = web.get(url(cast))
        expected = _expect(table, role)
        if response.status_code != expected:
            wrong.append(f"GET {name}: {response.status_code}, expected {expected}")
        elif (
            expected == 302
            and role == ANON
            and not response["Location"].startswith("/accounts/login/?next=")
        ):
            wrong.append(f"GET {name}: redirected to {response['Location']}")
    assert wrong == [], role


def test_home_sends_each_person_to_their_own_start_page(cast):
    for user, target in (
        (cast.client_user, "/me/"),
        (cast.clinician, "/clients/"),
        (cast.outsider, "/clients/"),
    ):
        web = WebClient()
        web.force_login(user)
        assert web.get("/")["Location"] == target


def _client_body(cast, program_id, mrn="NEW-1"):
    return {
        "mrn": mrn,
        "first_name": "Quince",
        "last_name": "Tumbleweed",
        "date_of_birth": "1988-02-03",
        "sex_assigned_at_birth": "male",
        "phone": "202-555-0111",
        "time_zone": "America/New_York",
        "program": program_id,
    }


# (name, method, url builder, body builder, {role: status})
API = [
    ("clients list", "get", lambda c: "/api/v1/clients/", None, {ANON: 403, "*": 200}),
    (
        "client create",
        "post",
        lambda c: "/api/v1/clients/",
        lambda c: _client_body(c, c.program.id),
        # Another program's or organization's staff do not see program A: "Invalid pk" (400).
        {ANON: 403, CLIENT: 403, "staff": 201, "*": 400},
    ),
    (
        "client retrieve",
        "get",
        lambda c: f"/api/v1/clients/{c.client.id}/",
        None,
        {ANON: 403, CLIENT: 200, "staff": 200, "*": 404},
    ),
    (
        "another program's client retrieve",
        "get",
        lambda c: f"/api/v1/clients/{c.other_program_client.id}/",
        None,
        {ANON: 403, OTHER_PROGRAM: 200, "*": 404},
    ),
    (
        "client patch",
        "patch",
        lambda c: f"/api/v1/clients/{c.client.id}/",
        lambda c: {"phone": "+1 202 555 0177"},
        {ANON: 403, CLIENT: 403, "staff": 200, "*": 404},
    ),
    (
        "client put",
        "put",
        lambda c: f"/api/v1/clients/{c.client.id}/",
        lambda c: _client_body(c, c.program.id, mrn=c.client.mrn),
        {ANON: 403, CLIENT: 403, "staff": 200, "*": 404},
    ),
    (
        "client delete",
        "delete",
        lambda c: f"/api/v1/clients/{c.client.id}/",
        None,
        {ANON: 403, "*": 405},
    ),
    (
        "support contacts list",
        "get",
        lambda c: "/api/v1/support-contacts/",
        None,
        {ANON: 403, "*": 200},
    ),
    (
        "support contact create",
        "post",
        lambda c: "/api/v1/support-contacts/",
        lambda c: {"client": c.client.id, "name": "Wren Larkspur", "kind": "sponsor"},
        {ANON: 403, CLIENT: 201, "staff": 201, "*": 400},
    ),
    (
        "support contact retrieve",
        "get",
        lambda c: f"/api/v1/support-contacts/{_contact(c).id}/",
        None,
        {ANON: 403, CLIENT: 200, "staff": 200, "*": 404},
    ),
    (
        "support contact patch",
        "patch",
        lambda c: f"/api/v1/support-contacts/{_contact(c).id}/",
        lambda c: {"relationship": "Older sister"},
        {ANON: 403, CLIENT: 200, "staff": 200, "*": 404},
    ),
    ("schema", "get", lambda c: "/api/v1/schema/", None, {"*": 200}),
    ("docs", "get", lambda c: "/api/v1/docs/", None, {"*": 200}),
    ("unknown endpoint", "get", lambda c: "/api/v1/no-such-thing/", None, {"*": 404}),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_each_api_endpoint(cast, role):
    api = api_as(cast.person(role))
    wrong = []
    for name, method, url, body, table in API:
        kwargs = {"format": "json"}
        if body is not None:
            kwargs["data"] = body(cast)
        response = getattr(api, method)(url(cast), **kwargs)
        expected = _expect(table, role)
        got = response.status_code
        if role == ANON and expected == 403:
            # Not logged in at all: 401 with the token challenge, code not_authenticated.
            challenge = response.get("WWW-Authenticate", "")
            if (
                got != 401
                or challenge != "Token"
                or response.json()["error"]["code"] != "not_authenticated"
            ):
                wrong.append(f"{method} {name}: {got} {response.content[:120]!r}")
        elif got != expected:
            wrong.append(f"{method} {name}: {got}, expected {expected}: {response.content[:160]!r}")
        if got >= 400 and response["Content-Type"].startswith("application/json"):
            error = response.json()["error"]
            if set(error) != {"status", "code", "message", "fields"} or error["status"] != got:
                wrong.append(f"{method} {name}: error shape {error}")
    assert wrong == [], role


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_only_what_the_role_may_see(cast, role):
    user = cast.person(role)
    if user is None:
        return
    clients = {row["id"] for row in api_as(user).get("/api/v1/clients/").json()["results"]}
    contacts = {
        row["client"] for row in api_as(user).get("/api/v1/support-contacts/").json()["results"]
    }
    expected = {
        CLIENT: {cast.client.id},
        OTHER_PROGRAM: {cast.other_program_client.id},
        OUTSIDER: {cast.outsider_client.id},
    }.get(role, {cast.client.id})
    assert clients == expected
    assert contacts <= expected


def test_a_client_gets_404_for_another_clients_record_and_contacts(cast):
    api = api_as(cast.client_user)
    other = cast.other_program_client
    assert api.get(f"/api/v1/clients/{other.id}/").status_code == 404
    assert api.get(f"/api/v1/clients/{cast.outsider_client.id}/").status_code == 404
    response = api.post(
        "/api/v1/support-contacts/", {"client": other.id, "name": "Moss Teacup"}, format="json"
    )
    assert response.status_code == 400
    assert "client" in response.json()["error"]["fields"]


def test_a_token_is_issued_to_every_role_and_works(cast, django_user_model):
    from django.core.cache import cache

    cache.clear()
    for role in ROLES:
        user = cast.person(role)
        if user is None:
            continue
        api = api_as(None)
        response = api.post(
            "/api/v1/auth/token/", {"email": user.email, "password": cast.password}, format="json"
        )
        assert response.status_code == 200, role
        api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        assert api.get("/api/v1/clients/").status_code == 200
    response = api_as(None).post(
        "/api/v1/auth/token/", {"email": cast.clinician.email, "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"]
