"""Race and ethnicity (OMB 1997 categories): optional, edited on the staff form and the API,
shown on the client's page; "declined" and "unknown" stand alone."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from recoverypath.clients.models import Client
from tests.conftest import api_as

from .test_bad_input import _form_body

pytestmark = pytest.mark.django_db


def test_the_client_page_says_not_recorded_until_asked(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    html = web.get(f"/clients/{cast.client.id}/").content.decode()
    assert 'data-testid="client-ethnicity">Not recorded' in html
    assert 'data-testid="client-race">Not recorded' in html


def test_staff_record_both_on_the_form_and_the_page_shows_them(cast):
    web = WebClient()
    web.force_login(cast.front_desk)
    body = _form_body(
        cast, ethnicity="hispanic_or_latino", race=["white", "black_or_african_american"]
    )
    assert web.post("/clients/new/", body).status_code == 302
    client = Client.objects.get(first_name="Quince")
    assert client.ethnicity == "hispanic_or_latino"
    assert sorted(client.race) == ["black_or_african_american", "white"]
    web.force_login(cast.admin)
    html = web.get(f"/clients/{client.id}/").content.decode()
    assert "Hispanic or Latino" in html and "Black or African American" in html


def test_declined_cannot_be_combined_with_a_category_on_the_form(cast):
    web = WebClient()
    web.force_login(cast.front_desk)
    response = web.post("/clients/new/", _form_body(cast, race=["declined", "asian"]))
    assert response.status_code == 200
    assert "race" in response.context["form"].errors
    assert not Client.objects.filter(first_name="Quince").exists()


def test_the_api_reads_and_writes_both(cast):
    api = api_as(cast.clinician)
    url = f"/api/v1/clients/{cast.client.id}/"
    assert api.get(url).json()["race"] == [] and api.get(url).json()["ethnicity"] == ""
    answer = api.patch(url, {"ethnicity": "not_hispanic_or_latino", "race": ["asian"]})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["race"] == ["asian"]
    cast.client.refresh_from_db()
    assert cast.client.ethnicity == "not_hispanic_or_latino"


@pytest.mark.parametrize(
    "race",
    [["unknown", "white"], ["white", "white"], ["martian"], "white"],
    ids=["unknown with a category", "twice", "not a category", "not a list"],
)
def test_the_api_refuses_a_bad_race_answer_with_a_400_on_the_field(cast, race):
    answer = api_as(cast.clinician).patch(f"/api/v1/clients/{cast.client.id}/", {"race": race})
    assert answer.status_code == 400
    assert any(name.startswith("race") for name in answer.json()["error"]["fields"])
    cast.client.refresh_from_db()
    assert cast.client.race == []


def test_a_client_cannot_set_their_own_race_through_the_staff_api(cast):
    answer = api_as(cast.client_user).patch(
        f"/api/v1/clients/{cast.client.id}/", {"race": ["asian"]}
    )
    assert answer.status_code == 403
