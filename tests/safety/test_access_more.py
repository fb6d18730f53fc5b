"""Roles the first safety access tests left out: anonymous on every page and endpoint, the
client's own pages for staff of other programs and organizations, one plan version through the
API, a review of another program's event; plus the plan page's fixed query count."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from recoverypath.safety import services
from recoverypath.safety.models import SafetyEvent, SafetyProfile
from tests.conftest import api_as

from .test_safety import PLAN, ROLES, VIEW, web_as


@pytest.fixture
def plan(cast):
    return services.safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_from_every_safety_page(cast, plan):
    client_id = cast.client.id
    for url in (
        "/me/safety-plan/",
        "/me/safety-plan/print/",
        "/me/help/",
        f"/clients/{client_id}/safety-plan/",
        f"/clients/{client_id}/safety-plan/edit/",
        f"/clients/{client_id}/safety-plan/print/",
        f"/clients/{client_id}/safety-plan/v1/",
    ):
        response = WebClient().get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


@pytest.mark.django_db
def test_anonymous_posts_change_nothing_and_are_sent_to_log_in(cast, plan):
    event = services.safety_event_record(client=cast.client, kind="positive_screen")
    web = WebClient()
    for url, data in (
        (f"/clients/{cast.client.id}/safety-profile/", {"history_of_self_harm": "on"}),
        (f"/safety/events/{event.id}/review/", {"note": "done"}),
        (f"/clients/{cast.client.id}/safety-plan/edit/", PLAN),
    ):
        response = web.post(url, data)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    assert not SafetyProfile.objects.exists()
    event.refresh_from_db()
    assert event.is_open
    assert cast.client.safety_plans.count() == 1


@pytest.mark.django_db
def test_the_api_answers_401_to_anonymous_callers(cast, plan):
    api = api_as(None)
    assert api.get("/api/v1/safety-plans/").status_code == 401
    assert api.get(f"/api/v1/safety-plans/{plan.id}/").status_code == 401
    assert api.get(f"/api/v1/safety-plans/current/?client={cast.client.id}").status_code == 401
    response = api.post("/api/v1/safety-plans/", {"client": cast.client.id, **PLAN}, format="json")
    assert response.status_code == 401
    assert cast.client.safety_plans.count() == 1


OWN_PAGES = {
    "admin": 404,
    "clinician": 404,
    "coordinator": 404,
    "front_desk": 404,
    "other_program_clinician": 404,
    "outsider": 404,
    "client_user": 200,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_clients_own_safety_pages_by_role(cast, plan, role):
    web = web_as(getattr(cast, role))
    for url in ("/me/safety-plan/", "/me/help/", "/me/safety-plan/print/"):
        assert web.get(url).status_code == OWN_PAGES[role], url


API_RETRIEVE = {
    "admin": 200,
    "clinician": 200,
    "coordinator": 200,
    "front_desk": 404,
    "other_program_clinician": 404,
    "outsider": 404,
    "client_user": 200,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_one_version_by_role(cast, plan, role):
    response = api_as(getattr(cast, role)).get(f"/api/v1/safety-plans/{plan.id}/")
    assert response.status_code == API_RETRIEVE[role]
    if response.status_code == 200:
        assert response.json()["version"] == 1


@pytest.mark.django_db
def test_a_clinician_cannot_review_another_programs_safety_event(cast):
    event = services.safety_event_record(client=cast.other_program_client, kind="positive_screen")
    response = web_as(cast.clinician).post(f"/safety/events/{event.id}/review/", {"note": "x"})
    assert response.status_code == 404
    assert SafetyEvent.objects.get(pk=event.pk).is_open


@pytest.mark.django_db
def test_an_unknown_safety_event_is_404(cast):
    response = web_as(cast.clinician).post("/safety/events/999999/review/", {})
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_plan_version_page_of_a_missing_version_is_404_or_refused(cast, plan, role):
    response = web_as(getattr(cast, role)).get(f"/clients/{cast.client.id}/safety-plan/v9/")
    assert response.status_code == (404 if VIEW[role] == 200 else VIEW[role])


@pytest.mark.django_db
def test_the_staff_plan_page_runs_a_fixed_number_of_queries(
    cast, plan, django_assert_max_num_queries
):
    web = web_as(cast.clinician)
    url = f"/clients/{cast.client.id}/safety-plan/"
    web.get(url)
    with django_assert_max_num_queries(40) as baseline:
        web.get(url)
    for _ in range(5):
        services.safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)
        services.safety_event_record(client=cast.client, kind="positive_screen")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        page = web.get(url).content.decode()
    assert "Current plan (version 6)" in page
