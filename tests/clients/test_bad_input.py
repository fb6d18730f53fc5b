"""Bad input gets form errors or a 400 with field messages in the one error shape: never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as WebClient
from django.utils import timezone

from recoverypath.clients.models import Client
from tests.conftest import api_as
from tests.factories import ClientFactory

HUGE = "Q" * 10_000


def _body(cast, **overrides):
    body = {
        "mrn": "NEW-0001",
        "first_name": "Quince",
        "last_name": "Tumbleweed",
        "date_of_birth": "1988-02-03",
        "sex_assigned_at_birth": "male",
        "phone": "202-555-0111",
        "email": "quince@test.example.org",
        "time_zone": "America/New_York",
        "program": cast.program.id,
    }
    body.update(overrides)
    return body


def _future() -> str:
    return (timezone.localdate() + timedelta(days=2)).isoformat()


def _fields(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == response.status_code
    assert error["message"]
    return error["fields"]


BAD_CLIENT_BODIES = [
    ("future birth date", {"date_of_birth": "FUTURE"}, "date_of_birth"),
    ("birth date before 1900", {"date_of_birth": "1850-01-01"}, "date_of_birth"),
    ("not a date", {"date_of_birth": "yesterday"}, "date_of_birth"),
    ("date as a number", {"date_of_birth": 19880203}, "date_of_birth"),
    ("future sobriety date", {"sobriety_date": "FUTURE"}, "sobriety_date"),
    ("malformed phone", {"phone": "call me maybe"}, "phone"),
    ("too short phone", {"phone": "555"}, "phone"),
    ("oversized phone", {"phone": "1" * 5000}, "phone"),
    ("phone as a list", {"phone": ["202", "555"]}, "phone"),
    ("unknown program", {"program": 987654}, "program"),
    ("program as text", {"program": "Program A"}, "program"),
    ("huge program id", {"program": 10**30}, "program"),
    ("oversized first name", {"first_name": HUGE}, "first_name"),
    ("oversized last name", {"last_name": HUGE}, "last_name"),
    ("oversized MRN", {"mrn": HUGE}, "mrn"),
    ("blank MRN", {"mrn": ""}, "mrn"),
    ("oversized pronouns", {"pronouns": HUGE}, "pronouns"),
    ("invalid time zone", {"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ("path as time zone", {"time_zone": "../../etc/passwd"}, "time_zone"),
    ("oversized time zone", {"time_zone": HUGE}, "time_zone"),
    ("unknown sex value", {"sex_assigned_at_birth": "other"}, "sex_assigned_at_birth"),
    ("bad e-mail", {"email": "not-an-email"}, "email"),
    ("name as an object", {"first_name": {"a": 1}}, "first_name"),
    ("clinician of another organization", {"primary_clinician": "OUTSIDER"}, "primary_clinician"),
    ("unknown clinician", {"primary_clinician": 987654}, "primary_clinician"),
]


def _resolve(cast, overrides: dict) -> dict:
    resolved = {}
    for key, value in overrides.items():
        if value == "FUTURE":
            value = _future()
        elif value == "OUTSIDER":
            value = cast.outsider.id
        resolved[key] = value
    return resolved


@pytest.mark.parametrize(
    ("overrides", "field"),
    [b[1:] for b in BAD_CLIENT_BODIES],
    ids=[b[0] for b in BAD_CLIENT_BODIES],
)
def test_the_api_rejects_a_bad_client_with_a_field_message(cast, overrides, field):
    api = api_as(cast.clinician)
    response = api.post("/api/v1/clients/", _body(cast, **_resolve(cast, overrides)), format="json")
    assert response.status_code == 400, response.content[:300]
    assert field in _fields(response)
    assert not Client.objects.filter(mrn="NEW-0001").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [b[1:] for b in BAD_CLIENT_BODIES],
    ids=[b[0] for b in BAD_CLIENT_BODIES],
)
def test_the_api_rejects_a_bad_change_with_a_field_message(cast, overrides, field):
    api = api_as(cast.admin)
    response = api.patch(
        f"/api/v1/clients/{cast.client.id}/", _resolve(cast, overrides), format="json"
    )
    if field == "mrn" and overrides["mrn"] == "":
        assert response.status_code == 400
    assert response.status_code == 400, response.content[:300]
    assert field in _fields(response)
    cast.client.refresh_from_db()
    assert cast.client.first_name == "Juniper"
    assert cast.client.phone == "+12025550143"


def test_the_api_rejects_a_program_of_another_organization(cast):
    api = api_as(cast.admin)
    response = api.post(
        "/api/v1/clients/", _body(cast, program=cast.outsider_program.id), format="json"
    )
    assert response.status_code == 400
    assert "program" in _fields(response)


def test_the_api_rejects_moving_a_client_to_another_organizations_program(cast):
    response = api_as(cast.admin).patch(
        f"/api/v1/clients/{cast.client.id}/", {"program": cast.outsider_program.id}, format="json"
    )
    assert response.status_code == 400
    assert "program" in _fields(response)
    cast.client.refresh_from_db()
    assert cast.client.program == cast.program


def test_the_api_rejects_a_duplicate_mrn_in_the_same_organization(cast):
    response = api_as(cast.clinician).post(
        "/api/v1/clients/", _body(cast, mrn=cast.client.mrn), format="json"
    )
    assert response.status_code == 400
    assert "mrn" in _fields(response)
    assert Client.objects.filter(mrn=cast.client.mrn).count() == 2  # ours and the outsider's


def test_the_api_rejects_a_duplicate_mrn_from_the_other_program_of_the_organization(cast):
    response = api_as(cast.admin).patch(
        f"/api/v1/clients/{cast.client.id}/",
        {"mrn": cast.other_program_client.mrn},
        format="json",
    )
    assert response.status_code == 400
    assert "mrn" in _fields(response)


def test_the_same_mrn_is_allowed_in_another_organization(cast):
    # cast.outsider_client has MRN A-0001 too; an outsider registers another client as well.
    ClientFactory(program=cast.outsider_program, mrn="B-0001")
    response = api_as(cast.clinician).post(
        "/api/v1/clients/", _body(cast, mrn="B-0002"), format="json"
    )
    assert response.status_code == 201
    response = api_as(cast.outsider).post(
        "/api/v1/clients/",
        _body(cast, mrn=cast.client.mrn + "-X", program=cast.outsider_program.id),
        format="json",
    )
    assert response.status_code == 201
    assert cast.client.mrn == cast.outsider_client.mrn


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'"just a string"', "application/json"),
        (b"null", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"mrn=1&first_name=2", "text/plain"),
    ],
)
def test_the_api_answers_bad_json_with_a_400_in_the_one_shape(cast, body, content_type):
    api = api_as(cast.clinician)
    for url in ("/api/v1/clients/", "/api/v1/support-contacts/", "/api/v1/auth/token/"):
        response = api.generic("POST", url, body, content_type=content_type)
        assert response.status_code in (400, 415), (url, response.content[:200])
        _fields(response)


def test_the_api_answers_bad_query_parameters_with_a_400_not_a_500(cast):
    api = api_as(cast.clinician)
    for query in (
        {"program": "abc"},
        {"clinician": "1.5"},
        {"program": str(10**30)},
        {"q": "x" * 20_000},
        {"sort": "password"},
        {"page": "zzz"},
        {"page_size": "-4"},
    ):
        response = api.get("/api/v1/clients/", query)
        assert response.status_code in (200, 400, 404), (query, response.status_code)
        if response.status_code != 200:
            _fields(response)
    for query in ({"client": "abc"}, {"client": str(10**30)}):
        response = api.get("/api/v1/support-contacts/", query)
        assert response.status_code in (200, 400), (query, response.status_code)


def test_the_api_refuses_unknown_ids_with_a_404_in_the_one_shape(cast):
    api = api_as(cast.clinician)
    for url in (
        "/api/v1/clients/987654/",
        f"/api/v1/clients/{10**30}/",
        "/api/v1/clients/abc/",
        "/api/v1/support-contacts/987654/",
    ):
        response = api.get(url)
        assert response.status_code == 404, url
        _fields(response)


BAD_CONTACTS = [
    ("malformed phone", {"phone": "not a phone"}, "phone"),
    ("oversized name", {"name": HUGE}, "name"),
    ("blank name", {"name": ""}, "name"),
    ("oversized relationship", {"relationship": HUGE}, "relationship"),
    ("unknown kind", {"kind": "nemesis"}, "kind"),
    ("emergency flag as text", {"is_emergency_contact": "perhaps"}, "is_emergency_contact"),
]


@pytest.mark.parametrize(
    ("overrides", "field"), [b[1:] for b in BAD_CONTACTS], ids=[b[0] for b in BAD_CONTACTS]
)
def test_the_api_rejects_a_bad_support_contact(cast, overrides, field):
    api = api_as(cast.front_desk)
    body = {"client": cast.client.id, "name": "Wren Larkspur", "kind": "sponsor", **overrides}
    response = api.post("/api/v1/support-contacts/", body, format="json")
    assert response.status_code == 400
    assert field in _fields(response)
    contact = cast.client.support_contacts.get()
    response = api.patch(f"/api/v1/support-contacts/{contact.id}/", overrides, format="json")
    assert response.status_code == 400
    assert field in _fields(response)


def test_the_api_rejects_a_support_contact_for_an_unknown_client(cast):
    response = api_as(cast.clinician).post(
        "/api/v1/support-contacts/", {"client": 987654, "name": "Wren"}, format="json"
    )
    assert response.status_code == 400
    assert "client" in _fields(response)


# ---- web forms --------------------------------------------------------------------------------


def _form_body(cast, **overrides):
    body = {
        "program": cast.program.id,
        "mrn": "NEW-0001",
        "first_name": "Quince",
        "last_name": "Tumbleweed",
        "preferred_name": "",
        "pronouns": "",
        "date_of_birth": "1988-02-03",
        "sex_assigned_at_birth": "male",
        "phone": "202-555-0111",
        "email": "",
        "time_zone": "America/New_York",
        "primary_clinician": "",
        "coordinator": "",
        "sobriety_date": "",
    }
    body.update(overrides)
    return body


BAD_FORMS = [
    ("future birth date", {"date_of_birth": "FUTURE"}, "date_of_birth"),
    ("not a date", {"date_of_birth": "31/31/2020"}, "date_of_birth"),
    ("future sobriety date", {"sobriety_date": "FUTURE"}, "sobriety_date"),
    ("malformed phone", {"phone": "call me maybe"}, "phone"),
    ("oversized phone", {"phone": "1" * 5000}, "phone"),
    ("duplicate MRN", {"mrn": "A-0001"}, "mrn"),
    ("duplicate MRN of the other program", {"mrn": "B-0001"}, "mrn"),
    ("unknown program", {"program": "987654"}, "program"),
    ("program of another organization", {"program": "OUTSIDER_PROGRAM"}, "program"),
    ("program as text", {"program": "abc"}, "program"),
    ("oversized first name", {"first_name": HUGE}, "first_name"),
    ("oversized MRN", {"mrn": HUGE}, "mrn"),
    ("invalid time zone", {"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
    ("clinician of another organization", {"primary_clinician": "OUTSIDER"}, "primary_clinician"),
]


def _resolve_form(cast, overrides):
    resolved = {}
    for key, value in overrides.items():
        if value == "FUTURE":
            value = _future()
        elif value == "OUTSIDER":
            value = cast.outsider.id
        elif value == "OUTSIDER_PROGRAM":
            value = cast.outsider_program.id
        resolved[key] = value
    return resolved


def _errors_for(response, field) -> list:
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    return form.errors.get(field) or []


@pytest.mark.parametrize(
    ("overrides", "field"), [b[1:] for b in BAD_FORMS], ids=[b[0] for b in BAD_FORMS]
)
def test_the_client_form_shows_a_field_error_for_bad_input(cast, overrides, field):
    web = WebClient()
    web.force_login(cast.admin)
    response = web.post("/clients/new/", _form_body(cast, **_resolve_form(cast, overrides)))
    assert _errors_for(response, field), response.context["form"].errors
    assert b'class="error"' in response.content or b"errorbox" in response.content
    assert not Client.objects.filter(first_name="Quince").exists()


@pytest.mark.parametrize(
    ("overrides", "field"), [b[1:] for b in BAD_FORMS], ids=[b[0] for b in BAD_FORMS]
)
def test_the_client_edit_form_shows_a_field_error_for_bad_input(cast, overrides, field):
    if overrides.get("mrn") == "A-0001":
        overrides = {"mrn": "B-0001"}
    web = WebClient()
    web.force_login(cast.admin)
    body = _form_body(cast, **{"mrn": cast.client.mrn, **_resolve_form(cast, overrides)})
    response = web.post(f"/clients/{cast.client.id}/edit/", body)
    assert _errors_for(response, field), response.context["form"].errors
    cast.client.refresh_from_db()
    assert cast.client.first_name == "Juniper"


def test_a_good_client_form_registers_the_client(cast):
    web = WebClient()
    web.force_login(cast.front_desk)
    response = web.post("/clients/new/", _form_body(cast))
    assert response.status_code == 302
    client = Client.objects.get(mrn="NEW-0001")
    assert client.phone == "+12025550111"
    assert client.organization == cast.program.organization


def test_front_desk_registers_clients_without_assigning_the_care_team(cast):
    web = WebClient()
    web.force_login(cast.front_desk)
    form = web.get("/clients/new/").context["form"]
    assert "primary_clinician" not in form.fields and "coordinator" not in form.fields
    # A forged clinician in the body is ignored: the care team is the clinicians' to choose.
    response = web.post("/clients/new/", _form_body(cast, primary_clinician=cast.clinician.id))
    assert response.status_code == 302
    assert Client.objects.get(mrn="NEW-0001").primary_clinician is None


def test_front_desk_choosing_a_clinician_through_the_service_is_refused(cast):
    from django.core.exceptions import PermissionDenied

    from recoverypath.clients.services import client_create

    with pytest.raises(PermissionDenied):
        client_create(
            actor=cast.front_desk,
            program=cast.program,
            mrn="NEW-0002",
            first_name="Wren",
            last_name="Larkspur",
            date_of_birth="1990-01-01",
            primary_clinician=cast.clinician,
        )


@pytest.mark.parametrize(
    ("overrides", "field"), [b[1:] for b in BAD_CONTACTS], ids=[b[0] for b in BAD_CONTACTS]
)
def test_the_contact_form_shows_a_field_error_for_bad_input(cast, overrides, field):
    if field == "is_emergency_contact":
        return  # a checkbox: any value means "on"
    web = WebClient()
    web.force_login(cast.client_user)
    body = {"name": "Wren Larkspur", "relationship": "", "phone": "", "kind": "sponsor"}
    body.update(overrides)
    response = web.post(f"/clients/{cast.client.id}/contacts/new/", body)
    assert _errors_for(response, field)
    assert cast.client.support_contacts.count() == 1


def test_huge_query_strings_on_pages_do_not_break_them(cast):
    web = WebClient()
    web.force_login(cast.admin)
    for query in (
        {"q": "x" * 20_000},
        {"program": "abc", "clinician": str(10**30), "sort": "; drop table"},
        {"page": "99999"},
        {"page": "-1"},
    ):
        assert web.get("/clients/", query).status_code == 200, query
    for query in (
        {"client": str(10**30)},
        {"client": "abc", "since": "2020-99-99", "action": "nope"},
        {"actor": "a" * 5000},
    ):
        assert web.get("/audit/", query).status_code == 200, query
    assert web.get(f"/clients/{10**30}/").status_code == 404
