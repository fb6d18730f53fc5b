from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from recoverypath.care import services
from recoverypath.care.placement import placement_check, placement_suggested_level

pytestmark = pytest.mark.django_db

SAFE = {
    "needs_withdrawal_management": False,
    "living_environment_unsafe": False,
    "acute_safety_risk": False,
    "can_attend_hours": True,
}


def test_safe_answers_give_no_warning():
    assert placement_check(SAFE) == []


@pytest.mark.parametrize(
    ("question", "answer", "level"),
    [
        ("needs_withdrawal_management", True, "2.7"),
        ("living_environment_unsafe", True, "3.1"),
        ("acute_safety_risk", True, "4.0"),
        ("can_attend_hours", False, "1.5"),
    ],
)
def test_each_placement_question_warns_with_a_reason_and_a_level(question, answer, level):
    warnings = placement_check({**SAFE, "withdrawal_needs_24h_care": False, question: answer})
    assert len(warnings) == 1
    assert warnings[0].reason
    assert placement_suggested_level(warnings) == level


def test_the_most_intensive_suggestion_comes_first():
    warnings = placement_check({**SAFE, "can_attend_hours": False, "acute_safety_risk": True})
    assert placement_suggested_level(warnings) == "4.0"


def test_iop_enrollment_with_a_warning_is_refused_without_an_override_reason(cast):
    with pytest.raises(ValidationError) as exc:
        services.episode_start(
            actor=cast.clinician,
            client=cast.client,
            level_code="2.1",
            placement_answers={
                **SAFE,
                "needs_withdrawal_management": True,
                "withdrawal_needs_24h_care": True,
            },
        )
    message = exc.value.message_dict["placement_override_reason"][0]
    assert "withdrawal management" in message and "3.7" in message


def test_a_clinician_overrides_with_a_written_reason_that_is_kept(cast):
    episode = services.episode_start(
        actor=cast.clinician,
        client=cast.client,
        level_code="2.1",
        placement_answers={**SAFE, "living_environment_unsafe": True},
        placement_override_reason="Moving to sober living on Friday; IOP meanwhile.",
    )
    episode.refresh_from_db()
    assert episode.placement_override_reason.startswith("Moving to sober living")
    assert episode.placement_warnings[0]["suggested_level"] == "3.1"
    assert episode.placement_answers["living_environment_unsafe"] is True
    assert episode.history.get().reason.startswith("Moving to sober living")


def test_missing_placement_answers_are_named(cast):
    with pytest.raises(ValidationError) as exc:
        services.episode_start(
            actor=cast.clinician,
            client=cast.client,
            level_code="2.1",
            placement_answers={"acute_safety_risk": False},
        )
    assert "can_attend_hours" in exc.value.message_dict


# ---- withdrawal management: ambulatory when the answers allow it ------------------------------
AMBULATORY_WM = {**SAFE, "needs_withdrawal_management": True, "withdrawal_needs_24h_care": False}
RESIDENTIAL_WM = {**AMBULATORY_WM, "withdrawal_needs_24h_care": True}


@pytest.mark.parametrize(("edition", "level"), [("4", "2.7"), ("3", "2-WM")])
def test_withdrawal_without_24_hour_needs_suggests_ambulatory_withdrawal_management(edition, level):
    warnings = placement_check(AMBULATORY_WM, edition)
    assert placement_suggested_level(warnings) == level
    assert "Ambulatory withdrawal management" in warnings[0].suggestion


@pytest.mark.parametrize(("edition", "level"), [("4", "3.7"), ("3", "3.7-WM")])
def test_withdrawal_needing_24_hour_care_suggests_residential_withdrawal_management(edition, level):
    warnings = placement_check(RESIDENTIAL_WM, edition)
    assert placement_suggested_level(warnings) == level
    assert "Residential withdrawal management" in warnings[0].suggestion


def test_withdrawal_with_an_unsafe_home_suggests_clinically_managed_residential_in_the_3rd():
    answers = {**AMBULATORY_WM, "living_environment_unsafe": True}
    assert placement_suggested_level(placement_check(answers, "3")) == "3.2-WM"


def test_every_suggested_level_exists_in_its_edition():
    from recoverypath.care.levels import level_get

    for edition in ("3", "4"):
        for answers in (AMBULATORY_WM, RESIDENTIAL_WM, {**SAFE, "acute_safety_risk": True}):
            for warning in placement_check(
                {**answers, "living_environment_unsafe": True, "can_attend_hours": False}, edition
            ):
                assert level_get(warning.suggested_level, edition) is not None


def test_the_withdrawal_follow_up_is_required_only_after_a_yes(cast):
    with pytest.raises(ValidationError) as exc:
        services.episode_start(
            actor=cast.clinician,
            client=cast.client,
            level_code="2.1",
            placement_answers={**SAFE, "needs_withdrawal_management": True},
        )
    assert exc.value.message_dict == {
        "withdrawal_needs_24h_care": ["Answer this placement question for IOP."]
    }


def test_iop_enrollment_without_any_placement_answers_is_refused_by_the_service(cast):
    with pytest.raises(ValidationError) as exc:
        services.episode_start(actor=cast.clinician, client=cast.client, level_code="2.1")
    assert set(exc.value.message_dict) == {
        "needs_withdrawal_management",
        "living_environment_unsafe",
        "acute_safety_risk",
        "can_attend_hours",
    }


def _php(cast):
    iop = services.episode_start(
        actor=cast.clinician, client=cast.client, level_code="2.1", placement_answers=SAFE
    )
    return services.episode_transition(
        actor=cast.clinician, episode=iop, level_code="2.5", reason="Two lapses"
    )


def test_a_step_down_into_iop_without_placement_answers_is_refused_by_the_service(cast):
    from recoverypath.care.models import EpisodeOfCare
    from recoverypath.care.placement import MISSING_ANSWER

    php = _php(cast)
    with pytest.raises(ValidationError) as exc:
        services.episode_transition(
            actor=cast.clinician, episode=php, level_code="2.1", reason="Stable"
        )
    assert exc.value.message_dict["can_attend_hours"] == [MISSING_ANSWER]
    php.refresh_from_db()
    assert php.status == "active"
    assert EpisodeOfCare.objects.filter(client=cast.client, status="active").get() == php


def test_a_step_down_into_iop_with_a_warning_needs_a_written_reason_and_keeps_it(cast):
    php = _php(cast)
    with pytest.raises(ValidationError) as exc:
        services.episode_transition(
            actor=cast.clinician,
            episode=php,
            level_code="2.1",
            reason="Stable",
            placement_answers={**SAFE, "can_attend_hours": False},
        )
    assert "1.5" in exc.value.message_dict["placement_override_reason"][0]
    iop = services.episode_transition(
        actor=cast.clinician,
        episode=php,
        level_code="2.1",
        reason="Stable",
        placement_answers={**SAFE, "can_attend_hours": False},
        placement_override_reason="Evening group fits the new job; hours agreed with employer.",
    )
    assert iop.placement_warnings[0]["suggested_level"] == "1.5"
    assert iop.placement_override_reason.startswith("Evening group")


def test_the_step_form_shows_the_same_missing_answer_error_as_the_service(cast):
    from django.test import Client as WebClient

    from recoverypath.care.placement import MISSING_ANSWER

    php = _php(cast)
    web = WebClient()
    web.force_login(cast.clinician)
    response = web.post(
        f"/care/episodes/{php.id}/transition/",
        {"level_code": "2.1", "on_date": str(php.start_date), "reason": "Stable"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["acute_safety_risk"] == [MISSING_ANSWER]


def test_iop_enrollment_without_answers_raises_from_the_service_the_error_the_form_shows(cast):
    from django.test import Client as WebClient

    from recoverypath.care.placement import MISSING_ANSWER, QUESTIONS

    web = WebClient()
    web.force_login(cast.clinician)
    response = web.post(
        f"/care/clients/{cast.client.id}/enroll/",
        {
            "program": cast.client.program_id,
            "level_code": "2.1",
            "track": "general",
            "start_date": "2026-04-01",
        },
    )
    assert response.status_code == 200
    names = {q.name for q in QUESTIONS}
    form_errors = {
        name: list(errors)
        for name, errors in response.context["form"].errors.items()
        if name in names
    }
    with pytest.raises(ValidationError) as exc:
        services.episode_start(actor=cast.clinician, client=cast.client, level_code="2.1")
    assert exc.value.message_dict == form_errors
    assert form_errors == {
        "needs_withdrawal_management": [MISSING_ANSWER],
        "living_environment_unsafe": [MISSING_ANSWER],
        "acute_safety_risk": [MISSING_ANSWER],
        "can_attend_hours": [MISSING_ANSWER],
    }
    assert not cast.client.episodes.exists()
