"""Every role on every assessments page and endpoint."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from recoverypath.assessments import services
from tests.conftest import api_as

ROLES = [
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "other_program_clinician",
    "outsider",
    "client_user",
]


def web_as(user) -> WebClient:
    web = WebClient()
    if user is not None:
        web.force_login(user)
    return web


@pytest.fixture
def phq9(cast):
    return services.assessment_submit(
        actor=cast.clinician, client=cast.client, instrument="PHQ-9", answers=[1] * 9
    )


# expected status per role for the staff pages about cast.client
SCORES = {
    "admin": 200,
    "clinician": 200,
    "coordinator": 200,
    "front_desk": 403,
    "other_program_clinician": 404,
    "outsider": 404,
    "client_user": 404,  # the staff area does not exist for a client
}
ENTER = {**SCORES, "coordinator": 403}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_client_scores_page_by_role(cast, phq9, role):
    response = web_as(getattr(cast, role)).get(f"/clients/{cast.client.id}/assessments/")
    assert response.status_code == SCORES[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_assessment_detail_page_by_role(cast, phq9, role):
    response = web_as(getattr(cast, role)).get(f"/clients/{cast.client.id}/assessments/{phq9.id}/")
    assert response.status_code == SCORES[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_staff_entry_page_by_role(cast, role):
    response = web_as(getattr(cast, role)).get(f"/clients/{cast.client.id}/assessments/new/PHQ-9/")
    assert response.status_code == ENTER[role]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("clinician", 200),
        ("coordinator", 200),
        ("front_desk", 403),
        ("other_program_clinician", 200),
        ("outsider", 200),
        ("client_user", 404),
    ],
)
def test_scores_caseload_by_role(cast, phq9, role, status):
    response = web_as(getattr(cast, role)).get("/assessments/scores/")
    assert response.status_code == status
    if status == 200:
        shown = cast.client.last_name in response.content.decode()
        assert shown == (role in ("admin", "clinician", "coordinator"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("clinician", 200),
        ("coordinator", 403),
        ("front_desk", 403),
        ("client_user", 404),
    ],
)
def test_schedules_page_by_role(cast, role, status):
    assert web_as(getattr(cast, role)).get("/assessments/schedules/").status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("clinician", 403),
        ("coordinator", 403),
        ("front_desk", 403),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("client_user", 404),
    ],
)
def test_schedule_edit_page_by_role(cast, role, status):
    url = f"/assessments/schedules/{cast.program.id}/PHQ-9/"
    assert web_as(getattr(cast, role)).get(url).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "clinician", "coordinator", "front_desk"])
def test_staff_have_no_client_pages_of_their_own(cast, role):
    web = web_as(getattr(cast, role))
    assert web.get("/me/assessments/").status_code == 404
    assert web.get("/me/assessments/PHQ-9/").status_code == 404


@pytest.mark.django_db
def test_client_pages_need_a_login(cast):
    for url in ("/me/assessments/", "/me/assessments/PHQ-9/", "/assessments/scores/"):
        response = WebClient().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_client_cannot_open_another_clients_result(cast):
    other = services.assessment_submit(
        actor=cast.other_program_clinician,
        client=cast.other_program_client,
        instrument="PHQ-9",
        answers=[0] * 9,
    )
    web = web_as(cast.client_user)
    assert web.get(f"/me/assessments/results/{other.id}/").status_code == 404


@pytest.mark.django_db
def test_an_unknown_instrument_page_is_404(cast):
    assert web_as(cast.client_user).get("/me/assessments/PHQ-8/").status_code == 404


# ---- API ----------
SUBMIT = {
    "admin": 201,
    "clinician": 201,
    "coordinator": 403,
    "front_desk": 403,
    # A client id out of reach in a request body is "Not found." (400), like every id field.
    "other_program_clinician": 400,
    "outsider": 400,
    "client_user": 201,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_submit_by_role(cast, role):
    response = api_as(getattr(cast, role)).post(
        "/api/v1/assessments/",
        {"client": cast.client.id, "instrument": "PHQ-9", "answers": [0] * 9},
        format="json",
    )
    assert response.status_code == SUBMIT[role], response.json()


@pytest.mark.django_db
def test_api_submit_needs_authentication(cast):
    response = api_as(None).post(
        "/api/v1/assessments/",
        {"client": cast.client.id, "instrument": "PHQ-9", "answers": [0] * 9},
        format="json",
    )
    assert response.status_code in (401, 403)


@pytest.mark.django_db
def test_a_client_cannot_submit_for_another_client_through_the_api(cast):
    response = api_as(cast.client_user).post(
        "/api/v1/assessments/",
        {"client": cast.other_program_client.id, "instrument": "PHQ-9", "answers": [0] * 9},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"client": ["Not found."]}


LIST_SEES = {
    "admin": True,
    "clinician": True,
    "coordinator": True,
    "front_desk": False,
    "other_program_clinician": False,
    "outsider": False,
    "client_user": True,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_list_by_role(cast, phq9, role):
    response = api_as(getattr(cast, role)).get(f"/api/v1/assessments/?client={cast.client.id}")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert (phq9.id in ids) == LIST_SEES[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_retrieve_by_role(cast, phq9, role):
    response = api_as(getattr(cast, role)).get(f"/api/v1/assessments/{phq9.id}/")
    assert response.status_code == (200 if LIST_SEES[role] else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_instruments_for_every_logged_in_role(cast, role):
    assert api_as(getattr(cast, role)).get("/api/v1/instruments/").status_code == 200
