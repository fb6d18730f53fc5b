"""Roles the first access tests left out: anonymous on every page and endpoint, the client's own
pages for staff of other programs and organizations, the schedule pages for other programs, and
the schedule and staff-entry forms posted by every role."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from recoverypath.assessments import services
from recoverypath.assessments.models import ScheduleRule
from tests.conftest import api_as

from .test_access import ROLES, web_as


@pytest.fixture
def phq9(cast):
    return services.assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=[1] * 9
    )


def _pages(cast, phq9) -> list[str]:
    client_id = cast.client.id
    return [
        "/me/assessments/",
        "/me/assessments/PHQ-9/",
        f"/me/assessments/results/{phq9.id}/",
        f"/clients/{client_id}/assessments/",
        f"/clients/{client_id}/assessments/{phq9.id}/",
        f"/clients/{client_id}/assessments/new/PHQ-9/",
        "/assessments/scores/",
        "/assessments/schedules/",
        f"/assessments/schedules/{cast.program.id}/PHQ-9/",
    ]


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_from_every_assessments_page(cast, phq9):
    for url in _pages(cast, phq9):
        response = WebClient().get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


@pytest.mark.django_db
def test_anonymous_posts_change_nothing_and_are_sent_to_log_in(cast):
    web = WebClient()
    posts = [
        ("/me/assessments/mode/", {"mode": "page"}),
        ("/me/assessments/PHQ-9/", {f"item_{n}": "0" for n in range(1, 10)}),
        (f"/clients/{cast.client.id}/assessments/new/PHQ-9/", {}),
        (f"/assessments/schedules/{cast.program.id}/PHQ-9/", {"iop_every_days": "7"}),
    ]
    for url, data in posts:
        response = web.post(url, data)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    assert not cast.client.assessments.exists()
    assert not ScheduleRule.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/assessments/", "/api/v1/instruments/"])
def test_the_api_answers_401_to_anonymous_callers(cast, url):
    assert api_as(None).get(url).status_code == 401


@pytest.mark.django_db
def test_the_api_retrieve_answers_401_to_anonymous_callers(cast, phq9):
    assert api_as(None).get(f"/api/v1/assessments/{phq9.id}/").status_code == 401


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
def test_the_clients_own_pages_by_role(cast, phq9, role):
    web = web_as(getattr(cast, role))
    for url in (
        "/me/assessments/",
        "/me/assessments/PHQ-9/",
        f"/me/assessments/results/{phq9.id}/",
    ):
        assert web.get(url).status_code == OWN_PAGES[role], url


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "sees_program_a"),
    [("other_program_clinician", False), ("outsider", False), ("admin", True)],
)
def test_the_schedules_page_shows_only_the_viewers_own_programs(cast, role, sees_program_a):
    response = web_as(getattr(cast, role)).get("/assessments/schedules/")
    assert response.status_code == 200
    assert (cast.program.name in response.content.decode()) == sees_program_a


SCHEDULE_POST = {
    "admin": 302,
    "clinician": 403,
    "coordinator": 403,
    "front_desk": 403,
    "other_program_clinician": 404,
    "outsider": 404,
    "client_user": 404,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_the_programs_admin_saves_a_schedule_by_posting_the_form(cast, role):
    response = web_as(getattr(cast, role)).post(
        f"/assessments/schedules/{cast.program.id}/PHQ-9/",
        {"at_intake": "on", "iop_every_days": "7"},
    )
    assert response.status_code == SCHEDULE_POST[role]
    saved = ScheduleRule.objects.filter(program=cast.program, instrument="PHQ-9").first()
    assert (saved is not None and saved.iop_every_days == 7) == (role == "admin")


STAFF_POST = {
    "admin": 302,
    "clinician": 302,
    "coordinator": 403,
    "front_desk": 403,
    "other_program_clinician": 404,
    "outsider": 404,
    "client_user": 404,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_staff_entry_by_posting_the_form_by_role(cast, role):
    response = web_as(getattr(cast, role)).post(
        f"/clients/{cast.client.id}/assessments/new/PHQ-9/",
        {f"item_{n}": "0" for n in range(1, 10)},
    )
    assert response.status_code == STAFF_POST[role]
    assert cast.client.assessments.exists() == (STAFF_POST[role] == 302)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_remembering_the_fill_mode_only_touches_the_callers_session(cast, role):
    web = web_as(getattr(cast, role))
    response = web.post("/me/assessments/mode/", {"mode": "page"})
    assert response.status_code == 302
    assert web.session["assessment_fill_mode"] == "page"
