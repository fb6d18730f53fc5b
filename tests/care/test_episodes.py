from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from recoverypath.care import selectors, services
from recoverypath.care.models import EpisodeOfCare
from recoverypath.care.signals import episode_finished, episode_started

pytestmark = pytest.mark.django_db

TODAY = "2026-03-02 15:00:00Z"
SAFE = {
    "needs_withdrawal_management": False,
    "living_environment_unsafe": False,
    "acute_safety_risk": False,
    "can_attend_hours": True,
}


def _start(cast, **kwargs):
    kwargs.setdefault("level_code", "2.1")
    kwargs.setdefault("start_date", date(2026, 2, 2))
    if kwargs["level_code"] == "2.1":
        kwargs.setdefault("placement_answers", SAFE)
    return services.episode_start(actor=cast.clinician, client=cast.client, **kwargs)


@time_machine.travel(TODAY, tick=False)
def test_step_up_to_php_and_back_down_leaves_a_correct_timeline(
    cast, django_capture_on_commit_callbacks
):
    iop = _start(cast, placement_answers=SAFE)
    with time_machine.travel("2026-02-16 15:00:00Z", tick=False):
        php = services.episode_transition(
            actor=cast.clinician, episode=iop, level_code="2.5", reason="Relapse; needs more hours"
        )
    back = services.episode_transition(
        actor=cast.clinician,
        episode=php,
        level_code="2.1",
        reason="Stable for two weeks",
        placement_answers=SAFE,
    )
    timeline = selectors.episode_timeline(client=cast.client)
    assert [(e.level_code, e.status) for e in timeline] == [
        ("2.1", "finished"),
        ("2.5", "finished"),
        ("2.1", "active"),
    ]
    first, second, third = timeline
    assert first.end_date == second.start_date == date(2026, 2, 16)
    assert second.end_date == third.start_date == date(2026, 3, 2)
    assert first.end_reason.startswith("Stepped up to 2.5 High-intensity outpatient")
    assert second.end_reason.startswith("Stepped down to 2.1 Intensive outpatient")
    assert third.previous_episode_id == second.id and second.previous_episode_id == first.id
    assert third.transition_reason == "Stable for two weeks"
    assert EpisodeOfCare.objects.filter(client=cast.client, status="active").count() == 1
    assert selectors.episode_active(client=cast.client) == back


def test_the_database_refuses_a_second_active_episode_for_the_same_program(cast):
    _start(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        EpisodeOfCare.objects.create(
            client=cast.client,
            program=cast.program,
            level_code="2.5",
            status="active",
            start_date=date(2026, 2, 3),
        )


def test_it_refuses_to_start_a_second_active_episode(cast):
    _start(cast)
    with pytest.raises(ValidationError) as exc:
        _start(cast, level_code="2.5")
    assert "already has an active episode" in str(exc.value)


def test_a_transition_needs_a_reason_and_a_different_level(cast):
    iop = _start(cast)
    with pytest.raises(ValidationError):
        services.episode_transition(actor=cast.clinician, episode=iop, level_code="2.5", reason=" ")
    with pytest.raises(ValidationError):
        services.episode_transition(actor=cast.clinician, episode=iop, level_code="2.1", reason="x")


def test_a_finished_episode_cannot_step(cast):
    iop = _start(cast)
    services.episode_finish(actor=cast.clinician, episode=iop, end_reason="Completed IOP")
    with pytest.raises(ValidationError):
        services.episode_transition(actor=cast.clinician, episode=iop, level_code="2.5", reason="x")


def test_signals_are_sent_after_commit_for_both_episodes(cast, django_capture_on_commit_callbacks):
    started, finished = [], []

    def on_start(sender, episode, **kw):
        started.append(episode.level_code)

    def on_finish(sender, episode, **kw):
        finished.append(episode.level_code)

    episode_started.connect(on_start)
    episode_finished.connect(on_finish)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            iop = _start(cast)
        assert started == ["2.1"]
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.episode_transition(
                actor=cast.clinician, episode=iop, level_code="2.5", reason="More structure"
            )
        assert started == ["2.1"] and finished == []  # nothing before commit
        for callback in callbacks:
            callback()
        assert started == ["2.1", "2.5"] and finished == ["2.1"]
    finally:
        episode_started.disconnect(on_start)
        episode_finished.disconnect(on_finish)


@pytest.mark.parametrize("role", ["coordinator", "front_desk"])
def test_only_clinicians_and_admins_start_episodes(cast, role):
    with pytest.raises(PermissionDenied):
        services.episode_start(
            actor=cast.staff_users()[role],
            client=cast.client,
            level_code="2.1",
            placement_answers=SAFE,
        )


def test_staff_of_another_program_cannot_start_an_episode(cast):
    with pytest.raises(PermissionDenied):
        services.episode_start(
            actor=cast.other_program_clinician,
            client=cast.client,
            level_code="2.1",
            placement_answers=SAFE,
        )


def test_an_unknown_level_is_refused(cast):
    with pytest.raises(ValidationError) as exc:
        _start(cast, level_code="9.9")
    assert "level_code" in exc.value.message_dict


def test_a_future_start_makes_a_planned_episode_that_activates(cast):
    with time_machine.travel(TODAY, tick=False):
        planned = _start(cast, start_date=date(2026, 3, 9))
        assert planned.status == "planned"
        assert selectors.episode_active(client=cast.client) is None
        services.episode_activate(actor=cast.clinician, episode=planned)
    planned.refresh_from_db()
    assert planned.status == "active" and planned.start_date == date(2026, 3, 2)
    assert [h.to_status for h in planned.history.all()] == ["planned", "active"]


def test_aftercare_is_its_own_episode_type(cast):
    iop = _start(cast)
    services.episode_finish(actor=cast.clinician, episode=iop, end_reason="Completed")
    after = _start(cast, level_code="aftercare", start_date=date(2026, 3, 1))
    assert after.level_name == "Aftercare / recovery support"
