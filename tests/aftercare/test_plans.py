"""Aftercare plans: start, length, components and adherence, goals, check-ins, lifecycle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.aftercare import services
from recoverypath.aftercare.models import AftercarePlan, CoordinatorCheckIn, ExternalProvider
from recoverypath.aftercare.selectors import adherence_for_plans
from recoverypath.care.models import EpisodeOfCare
from recoverypath.care.services import episode_start
from recoverypath.core.audit import AuditEvent
from recoverypath.monitoring.models import MeetingAttendance

from .conftest import SAFE_PLACEMENT, TODAY


def test_a_three_month_plan_starts_with_a_first_coordinator_check_in(cast, at_noon):
    plan = services.aftercare_plan_start(actor=cast.coordinator, client=cast.client)
    assert (plan.start_date, plan.end_date, plan.length) == (TODAY, date(2026, 9, 15), "3m")
    assert plan.coordinator == cast.coordinator
    [first] = plan.check_ins.all()
    assert first.status == "scheduled"
    assert first.scheduled_at.date() == TODAY + timedelta(days=14)
    assert AuditEvent.objects.filter(object_type="aftercare.aftercareplan").exists()


def test_a_six_month_plan(cast, at_noon):
    six = services.aftercare_plan_start(actor=cast.coordinator, client=cast.client, months=6)
    assert (six.end_date, six.length) == (date(2026, 12, 15), "6m")


def test_a_custom_end_date_makes_a_custom_plan(cast, at_noon):
    plan = services.aftercare_plan_start(
        actor=cast.coordinator, client=cast.client, months=None, end_date=date(2026, 8, 1)
    )
    assert plan.length == "custom"


def test_a_second_open_plan_is_refused(cast, plan):
    with pytest.raises(ValidationError) as exc:
        services.aftercare_plan_start(actor=cast.coordinator, client=cast.client)
    assert "already has an open aftercare plan" in str(exc.value)


def test_an_end_before_the_start_is_refused(cast, at_noon):
    with pytest.raises(ValidationError):
        services.aftercare_plan_start(
            actor=cast.coordinator, client=cast.client, months=None, end_date=TODAY - timedelta(1)
        )


@pytest.mark.parametrize(
    "who", ["front_desk", "other_program_clinician", "outsider", "client_user"]
)
def test_only_coordinating_staff_start_plans(cast, at_noon, who):
    with pytest.raises(PermissionDenied):
        services.aftercare_plan_start(actor=getattr(cast, who), client=cast.client)


def test_adherence_per_component_counts_logged_contacts_and_meetings(cast, plan):
    therapy = plan.components.get(kind="therapy")
    for back in (2, 9):
        services.component_contact_log(
            actor=cast.coordinator, component=therapy, day=TODAY - timedelta(days=back)
        )
    MeetingAttendance.objects.bulk_create(
        [
            MeetingAttendance(client=cast.client, date=TODAY - timedelta(days=d), meeting_type="aa")
            for d in (1, 3, 5)
        ]
    )
    result = adherence_for_plans(plans=[plan])[plan.id]
    by_kind = {c.component.kind: c for c in result.components}
    assert by_kind["therapy"].percent == 100  # 2 of 2
    assert by_kind["support_group"].percent == 50  # 3 of 6
    assert result.percent == 62  # 5 of 8


def test_adherence_window_is_clipped_to_the_plan_start(cast, at_noon):
    plan = services.aftercare_plan_start(
        actor=cast.coordinator,
        client=cast.client,
        start_date=TODAY - timedelta(days=7),
        components=[{"kind": "therapy", "expected_per_week": 1}],
    )
    result = adherence_for_plans(plans=[plan])[plan.id]
    assert (result.start, result.end) == (TODAY - timedelta(days=7), TODAY - timedelta(days=1))
    assert round(result.components[0].expected, 2) == 1.0


def test_a_component_with_another_organizations_provider_is_refused(cast, plan):
    foreign = ExternalProvider.objects.create(
        organization=cast.outsider_program.organization, name="Elsewhere clinic", kind="therapist"
    )
    with pytest.raises(ValidationError):
        services.component_add(actor=cast.coordinator, plan=plan, kind="therapy", provider=foreign)


def test_goals_keep_dated_progress_notes(cast, plan):
    goal = services.goal_add(actor=cast.coordinator, plan=plan, description="Find a sponsor")
    services.goal_progress_add(actor=cast.coordinator, goal=goal, note="Met two people at AA")
    services.goal_progress_add(
        actor=cast.coordinator, goal=goal, note="Asked Sam", status="achieved"
    )
    goal.refresh_from_db()
    assert goal.status == "achieved"
    assert [n.note for n in goal.notes.all()] == ["Asked Sam", "Met two people at AA"]
    assert all(n.date == TODAY for n in goal.notes.all())


def test_recording_a_check_in_schedules_the_next_per_the_cadence(cast, plan):
    first = plan.check_ins.get()
    services.coordinator_check_in_record(
        actor=cast.coordinator, check_in=first, status="attended", note="Doing well"
    )
    nxt = plan.check_ins.get(status="scheduled")
    assert nxt.scheduled_at - first.scheduled_at == timedelta(days=14)
    with pytest.raises(ValidationError):
        services.coordinator_check_in_record(
            actor=cast.coordinator, check_in=first, status="missed"
        )


def test_extend_moves_the_end_date_and_keeps_history(cast, plan):
    services.aftercare_plan_extend(actor=cast.coordinator, plan=plan, end_date=date(2026, 12, 1))
    plan.refresh_from_db()
    assert plan.end_date == date(2026, 12, 1) and plan.length == "custom"
    assert plan.history.count() == 2


def test_stepping_up_opens_an_iop_episode_and_pauses_the_plan(cast, plan):
    episode = services.aftercare_plan_step_up(
        actor=cast.clinician,
        plan=plan,
        reason="Two lapses in a week",
        placement_answers=SAFE_PLACEMENT,
    )
    plan.refresh_from_db()
    assert plan.status == "paused"
    assert episode.level_code == "2.1" and episode.status == "active"


def test_stepping_up_from_an_aftercare_episode_transitions_it(cast, plan):
    aftercare = episode_start(
        actor=cast.clinician, client=cast.client, level_code="aftercare", start_date=TODAY
    )
    episode = services.aftercare_plan_step_up(
        actor=cast.clinician, plan=plan, reason="Relapse", placement_answers=SAFE_PLACEMENT
    )
    aftercare.refresh_from_db()
    assert aftercare.status == "finished"
    assert episode.previous_episode_id == aftercare.id


def test_stepping_up_to_iop_without_placement_answers_is_refused_and_the_plan_stays(cast, plan):
    with pytest.raises(ValidationError) as exc:
        services.aftercare_plan_step_up(actor=cast.clinician, plan=plan, reason="Relapse")
    assert exc.value.message_dict["needs_withdrawal_management"] == [
        "Answer this placement question for IOP."
    ]
    plan.refresh_from_db()
    assert plan.status == "active"
    assert not EpisodeOfCare.objects.filter(client=cast.client, level_code="2.1").exists()


def test_a_coordinator_cannot_step_up_alone(cast, plan):
    with pytest.raises(PermissionDenied):
        services.aftercare_plan_step_up(actor=cast.coordinator, plan=plan, reason="Relapse")
    plan.refresh_from_db()
    assert plan.status == "active"
    assert not EpisodeOfCare.objects.exists()


def test_completing_cancels_scheduled_check_ins_and_allows_a_new_plan(cast, plan):
    services.aftercare_plan_complete(actor=cast.coordinator, plan=plan, note="Done")
    plan.refresh_from_db()
    assert plan.status == "completed"
    assert not plan.check_ins.filter(status=CoordinatorCheckIn.Status.SCHEDULED).exists()
    with pytest.raises(ValidationError):
        services.aftercare_plan_complete(actor=cast.coordinator, plan=plan)
    assert services.aftercare_plan_start(actor=cast.coordinator, client=cast.client)
    assert AftercarePlan.objects.filter(client=cast.client).count() == 2


def test_both_sides_are_reminded_the_day_before_a_coordinator_check_in(cast, at_noon):
    from recoverypath.notifications.models import Reminder

    plan = services.aftercare_plan_start(actor=cast.coordinator, client=cast.client)
    first = plan.check_ins.get()
    reminder = Reminder.objects.get(recipient=cast.client_user)
    assert reminder.at == first.scheduled_at - timedelta(days=1)
    assert reminder.template == "aftercare.check_in_reminder"
    staff_side = Reminder.objects.get(recipient=first.coordinator)
    assert staff_side.at == reminder.at
    assert staff_side.template == "aftercare.check_in_reminder_staff"
    services.aftercare_plan_complete(actor=cast.coordinator, plan=plan)
    reminder.refresh_from_db()
    staff_side.refresh_from_db()
    assert reminder.status == staff_side.status == "cancelled"
