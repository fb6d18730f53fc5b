"""Every role over every alerts page and endpoint.

Coordinators, clinicians and admins of the client's program act on its alerts. Front desk staff
have no alert pages (403) and reach no alert (404). Clients never see alerts. Staff of another
program or organization get 404 for the alert: never a hint it exists.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from recoverypath.alerts.models import EscalationPolicy
from tests.conftest import api_as

ROLES = [
    "anonymous",
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "other_program_clinician",
    "outsider",
    "client_user",
]
CARE_TEAM = {"admin", "clinician", "coordinator"}


def _user(cast, role):
    return None if role == "anonymous" else getattr(cast, role)


def _login(client, cast, role):
    user = _user(cast, role)
    if user is not None:
        client.force_login(user)


def _expected_page(role, *, success, on_alert):
    if role == "anonymous":
        return 302
    if role in CARE_TEAM:
        return success
    if role in ("front_desk", "client_user"):
        return 403
    return 404 if on_alert else success  # staff of other programs: their own inbox only


@pytest.mark.parametrize("role", ROLES)
def test_inbox_page(client, cast, raise_alert, role):
    raise_alert()
    _login(client, cast, role)
    response = client.get(reverse("alerts:inbox"))
    assert response.status_code == _expected_page(role, success=200, on_alert=False)
    if role in ("other_program_clinician", "outsider"):
        assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize("role", ROLES)
def test_alert_page(client, cast, raise_alert, role):
    alert = raise_alert()
    _login(client, cast, role)
    response = client.get(reverse("alerts:detail", args=[alert.id]))
    assert response.status_code == _expected_page(role, success=200, on_alert=True)


WEB_ACTIONS = [
    ("alerts:acknowledge", {}),
    ("alerts:assign", {"assignee": ""}),
    ("alerts:resolve", {"note": "Checked in by phone."}),
]


@pytest.mark.parametrize("role", ROLES)
def test_alert_actions(client, cast, raise_alert, role):
    _login(client, cast, role)
    for name, data in WEB_ACTIONS:
        alert = raise_alert()
        response = client.post(reverse(name, args=[alert.id]), data)
        assert response.status_code == _expected_page(role, success=302, on_alert=True), name
        alert.refresh_from_db()
        changed = alert.status != "open"
        assert changed == (role in CARE_TEAM and name != "alerts:assign"), name


@pytest.mark.parametrize("role", ROLES)
def test_bulk_acknowledge(client, cast, raise_alert, role):
    alert = raise_alert()
    _login(client, cast, role)
    response = client.post(reverse("alerts:acknowledge_many"), {"alert": [alert.id]})
    assert response.status_code == _expected_page(role, success=302, on_alert=False)
    alert.refresh_from_db()
    assert (alert.status == "acknowledged") == (role in CARE_TEAM)


@pytest.mark.parametrize("role", ROLES)
def test_escalation_policy_pages(client, cast, role):
    _login(client, cast, role)
    listing = client.get(reverse("alerts:policies"))
    edit = client.get(reverse("alerts:policy_edit", args=[cast.program.id]))
    if role == "anonymous":
        assert (listing.status_code, edit.status_code) == (302, 302)
    elif role == "admin":
        assert (listing.status_code, edit.status_code) == (200, 200)
    elif role == "outsider":  # an admin, of another organization
        assert (listing.status_code, edit.status_code) == (200, 404)
    else:
        assert (listing.status_code, edit.status_code) == (403, 404)


def _expected_api(role, *, success):
    if role == "anonymous":
        return {401, 403}
    if role in CARE_TEAM:
        return {success}
    return {404}


@pytest.mark.parametrize("role", ROLES)
def test_api_list(cast, raise_alert, role):
    raise_alert()
    response = api_as(_user(cast, role)).get("/api/v1/alerts/")
    if role == "anonymous":
        assert response.status_code in (401, 403)
    elif role in ("front_desk", "client_user"):
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert response.json()["count"] == (1 if role in CARE_TEAM else 0)


@pytest.mark.parametrize("role", ROLES)
def test_api_detail(cast, raise_alert, role):
    alert = raise_alert()
    response = api_as(_user(cast, role)).get(f"/api/v1/alerts/{alert.id}/")
    assert response.status_code in _expected_api(role, success=200)


API_ACTIONS = [
    ("acknowledge", {}),
    ("resolve", {"note": "Spoke with the client."}),
    ("assign", {"assignee": None}),
]


@pytest.mark.parametrize("role", ROLES)
def test_api_actions(cast, raise_alert, role):
    api = api_as(_user(cast, role))
    for action, data in API_ACTIONS:
        alert = raise_alert()
        response = api.post(f"/api/v1/alerts/{alert.id}/{action}/", data)
        assert response.status_code in _expected_api(role, success=200), action
        if response.status_code == 404:
            assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ROLES)
def test_open_count_fragment(client, cast, raise_alert, role):
    raise_alert()
    _login(client, cast, role)
    response = client.get(reverse("alerts:open_count"))
    assert response.status_code == _expected_page(role, success=200, on_alert=False)
    if response.status_code == 200:
        expected = b"1 open alert " if role in CARE_TEAM else b"0 open alerts"
        assert expected in response.content


@pytest.mark.parametrize("role", ROLES)
def test_saving_the_escalation_policy(client, cast, role):
    _login(client, cast, role)
    response = client.post(
        reverse("alerts:policy_edit", args=[cast.program.id]),
        {"critical_minutes": "10", "high_minutes": "120", "medium_minutes": "", "low_minutes": ""},
    )
    expected = {"anonymous": 302, "admin": 302}.get(role, 404)
    assert response.status_code == expected
    saved = EscalationPolicy.objects.filter(program=cast.program).exists()
    assert saved == (role == "admin")
