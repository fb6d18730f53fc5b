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
        ("needs_withdrawal_management", True, "3.7"),
        ("living_environment_unsafe", True, "3.1"),
        ("acute_safety_risk", True, "4.0"),
        ("can_attend_hours", False, "1.5"),
    ],
)
def test_each_placement_question_warns_with_a_reason_and_a_level(question, answer, level):
    warnings = placement_check({**SAFE, question: answer})
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
            placement_answers={**SAFE, "needs_withdrawal_management": True},
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
