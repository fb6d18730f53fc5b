from __future__ import annotations

import pytest

from recoverypath.care import services
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
SAFE = {
    "needs_withdrawal_management": False,
    "living_environment_unsafe": False,
    "acute_safety_risk": False,
    "can_attend_hours": True,
}


def _enroll(user, cast, **extra):
    return api_as(user).post(
        "/api/v1/episodes/",
        {
            "client": cast.client.id,
            "level_code": "2.1",
            "start_date": "2026-01-05",
            "placement_answers": SAFE,
            **extra,
        },
        format="json",
    )


def test_a_clinician_enrolls_steps_up_and_back_down_through_the_api(cast):
    api = api_as(cast.clinician)
    iop = _enroll(cast.clinician, cast)
    assert iop.status_code == 201, iop.json()
    php = api.post(
        f"/api/v1/episodes/{iop.json()['id']}/transition/",
        {"level_code": "2.5", "reason": "Needs more structure", "on_date": "2026-02-02"},
    )
    assert php.status_code == 201 and php.json()["level_name"] == "2.5 High-intensity outpatient"
    back = api.post(
        f"/api/v1/episodes/{php.json()['id']}/transition/",
        {
            "level_code": "2.1",
            "reason": "Stable",
            "on_date": "2026-02-16",
            "placement_answers": SAFE,
        },
        format="json",
    )
    assert back.status_code == 201
    listing = api.get("/api/v1/episodes/", {"client": cast.client.id}).json()["results"]
    assert [(e["level_code"], e["status"]) for e in listing] == [
        ("2.1", "finished"),
        ("2.5", "finished"),
        ("2.1", "active"),
    ]


def test_iop_enrollment_needs_the_placement_answers(cast):
    response = api_as(cast.clinician).post(
        "/api/v1/episodes/", {"client": cast.client.id, "level_code": "2.1"}, format="json"
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["placement_answers.can_attend_hours"] == [
        "Answer this placement question for IOP."
    ]


def test_a_placement_warning_without_override_is_a_400_naming_the_level(cast):
    response = _enroll(cast.clinician, cast, placement_answers={**SAFE, "acute_safety_risk": True})
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["placement_override_reason"][0]
    assert "Acute safety risk" in message and "4.0" in message


def test_a_second_active_episode_is_a_400(cast):
    assert _enroll(cast.clinician, cast).status_code == 201
    second = _enroll(cast.clinician, cast)
    assert second.status_code == 400
    assert "already has an active episode" in second.json()["error"]["message"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 201),
        ("clinician", 201),
        ("coordinator", 403),
        ("front_desk", 403),
        ("client_user", 403),
        ("other_program_clinician", 400),
        ("outsider", 400),
    ],
)
def test_who_may_enroll(cast, who, status):
    # Staff below clinician are refused; people who cannot see the client cannot even name them.
    response = _enroll(getattr(cast, who), cast)
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "count"),
    [
        ("admin", 1),
        ("clinician", 1),
        ("coordinator", 1),
        ("front_desk", 1),
        ("client_user", 1),
        ("other_program_clinician", 0),
        ("outsider", 0),
    ],
)
def test_who_sees_episodes(cast, who, count):
    episode = services.episode_start(actor=cast.clinician, client=cast.client, level_code="2.5")
    api = api_as(getattr(cast, who))
    assert api.get("/api/v1/episodes/").json()["count"] == count
    assert api.get(f"/api/v1/episodes/{episode.id}/").status_code == (200 if count else 404)


def test_finishing_through_the_api(cast):
    episode = services.episode_start(actor=cast.clinician, client=cast.client, level_code="2.5")
    api = api_as(cast.coordinator)
    assert (
        api.post(f"/api/v1/episodes/{episode.id}/finish/", {"end_reason": "x"}).status_code == 403
    )
    done = api_as(cast.clinician).post(
        f"/api/v1/episodes/{episode.id}/finish/", {"end_reason": "Completed PHP"}
    )
    assert done.status_code == 200 and done.json()["status"] == "finished"


def test_anonymous_is_refused(cast):
    assert api_as(None).get("/api/v1/episodes/").status_code in (401, 403)


def test_the_levels_table_is_listed(cast):
    body = api_as(cast.front_desk).get("/api/v1/levels-of-care/").json()
    assert {
        "code": "2.1",
        "name": "Intensive outpatient",
        "short": "IOP",
        "min_weekly_hours": "9",
    } in body["levels"]
    assert len(body["placement_questions"]) == 5
    follow_up = body["placement_questions"][1]
    assert follow_up["name"] == "withdrawal_needs_24h_care"
    assert follow_up["asked_if"] == {"question": "needs_withdrawal_management", "answer": True}


@pytest.mark.parametrize(
    ("edition", "codes"),
    [
        (
            "3",
            {"0.5", "1", "2.1", "2.5", "3.1", "3.3", "3.5", "3.7", "4", "OTP"}
            | {"1-WM", "2-WM", "3.2-WM", "3.7-WM", "4-WM"},
        ),
        ("4", {"1.0", "1.5", "1.7", "2.1", "2.5", "2.7", "3.1", "3.5", "3.7", "4.0", "OTP"}),
    ],
)
def test_the_levels_table_is_complete_for_each_edition(cast, edition, codes):
    body = api_as(cast.clinician).get("/api/v1/levels-of-care/", {"edition": edition}).json()
    assert {lv["code"] for lv in body["levels"]} == codes | {"aftercare"}
