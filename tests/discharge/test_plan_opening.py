from __future__ import annotations

from datetime import timedelta

import pytest

from recoverypath.care.services import episode_finish, episode_start
from recoverypath.core.models import AuditEvent
from recoverypath.discharge.checklist import SPECS
from recoverypath.discharge.models import ChecklistItem, DischargePlan
from recoverypath.safety.services import safety_profile_set
from tests.factories import SAFE_PLACEMENT

from .conftest import start_iop

pytestmark = pytest.mark.django_db


def test_starting_an_iop_episode_opens_a_plan_with_every_checklist_item(cast, run_on_commit):
    episode = start_iop(run_on_commit, cast)

    plan = DischargePlan.objects.get(episode=episode)
    assert plan.status == "open"
    assert plan.owner == cast.clinician
    assert plan.target_graduation_date == episode.planned_end_date
    kinds = list(plan.items.values_list("kind", flat=True))
    assert kinds == [spec.kind for spec in SPECS]
    assert set(kinds) == set(ChecklistItem.Kind.values)
    for item in plan.items.all():
        assert item.status == "open"
        assert item.due_date is not None
        assert item.owner in (cast.clinician, cast.coordinator)
    assert plan.items.get(kind="peer_support").owner == cast.coordinator
    assert plan.items.get(kind="living_situation").due_date == episode.start_date + timedelta(7)
    assert AuditEvent.objects.filter(
        object_type="discharge.dischargeplan", action="create"
    ).exists()


def test_the_plan_is_opened_once_even_if_the_signal_is_delivered_twice(cast, run_on_commit):
    from recoverypath.discharge.services import discharge_plan_open

    episode = start_iop(run_on_commit, cast)
    again = discharge_plan_open(episode=episode)
    assert DischargePlan.objects.filter(episode=episode).count() == 1
    assert again.items.count() == len(SPECS)


def test_a_non_iop_episode_opens_no_discharge_plan(cast, run_on_commit):
    run_on_commit(episode_start, actor=cast.clinician, client=cast.client, level_code="1.5")
    assert not DischargePlan.objects.exists()


def test_without_a_planned_end_the_target_is_eight_weeks_after_the_start(cast, run_on_commit):
    episode = run_on_commit(
        episode_start,
        actor=cast.clinician,
        client=cast.client,
        level_code="2.1",
        placement_answers=SAFE_PLACEMENT,
    )
    plan = DischargePlan.objects.get(episode=episode)
    assert plan.target_graduation_date == episode.start_date + timedelta(weeks=8)


def test_the_safety_plan_item_is_required_when_the_client_has_a_history_of_self_harm(
    cast, run_on_commit
):
    safety_profile_set(actor=cast.clinician, client=cast.client, history_of_self_harm=True)
    plan = DischargePlan.objects.get(episode=start_iop(run_on_commit, cast))
    assert plan.items.get(kind="safety_plan").required is True


def test_the_safety_plan_item_is_optional_without_risk(plan):
    assert plan.items.get(kind="safety_plan").required is False


def test_an_iop_episode_that_ends_without_graduation_closes_the_plan(cast, plan, run_on_commit):
    run_on_commit(
        episode_finish, actor=cast.clinician, episode=plan.episode, end_reason="left the program"
    )
    plan.refresh_from_db()
    assert plan.status == "closed"


def test_work_done_before_a_step_up_carries_over_when_the_client_steps_back_down(
    cast, plan, run_on_commit
):
    from recoverypath.care.services import episode_transition
    from recoverypath.discharge import services

    services.checklist_item_update(
        actor=cast.coordinator,
        item=plan.items.get(kind="living_situation"),
        status="done",
        data={"situation": "stable"},
    )
    php = run_on_commit(
        episode_transition,
        actor=cast.clinician,
        episode=plan.episode,
        level_code="2.5",
        reason="Two lapses this week",
    )
    plan.refresh_from_db()
    assert plan.status == "closed"
    iop = run_on_commit(
        episode_transition,
        actor=cast.clinician,
        episode=php,
        level_code="2.1",
        reason="Stable",
        placement_answers=SAFE_PLACEMENT,
    )
    again = DischargePlan.objects.get(episode=iop)
    assert again.status == "open"
    carried = again.items.get(kind="living_situation")
    assert carried.status == "done"
    assert carried.data["situation"] == "stable"
    assert again.items.get(kind="barriers").status == "open"
