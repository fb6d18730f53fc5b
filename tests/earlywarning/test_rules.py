"""Each early-warning rule: one test that raises it, one a step short that does not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recoverypath.aftercare.models import ComponentContact, CoordinatorCheckIn
from recoverypath.aftercare.services import component_contact_log, coordinator_check_in_record
from recoverypath.alerts.models import Alert
from recoverypath.earlywarning.models import RuleSetting, WarningSign
from recoverypath.earlywarning.services import absence_rules_run
from recoverypath.monitoring.models import MeetingAttendance
from recoverypath.monitoring.services import check_in_submit, lapse_record
from tests.monitoring.conftest import make_check_ins

from .conftest import TODAY

BASE = {"mood": 3, "craving": 2, "sleep_hours": 7, "stress": 3, "used": False}


def _submit(cast, **values):
    return check_in_submit(actor=cast.client_user, client=cast.client, **{**BASE, **values})


def _alerts(cast, kind):
    return list(Alert.objects.filter(client=cast.client, kind=kind))


# Craving 7 or more on 3 of the last 5 check-ins: high.


def test_three_high_cravings_in_the_last_five_raise_a_high_alert(cast, at_noon):
    make_check_ins(
        cast.client, today=TODAY - timedelta(days=1), values=[(3, 8), (3, 2), (3, 7), (3, 1)]
    )
    _submit(cast, craving=9)
    [alert] = _alerts(cast, "monitoring.high_craving")
    assert alert.severity == "high"
    assert "Craving 7 or more (out of 10) on 3 of the last 5 check-ins" in alert.reason


def test_two_high_cravings_in_the_last_five_raise_nothing(cast, at_noon):
    make_check_ins(
        cast.client, today=TODAY - timedelta(days=1), values=[(3, 8), (3, 2), (3, 6), (3, 1)]
    )
    _submit(cast, craving=9)
    assert _alerts(cast, "monitoring.high_craving") == []


def test_a_high_craving_six_check_ins_ago_does_not_count(cast, at_noon):
    make_check_ins(
        cast.client,
        today=TODAY - timedelta(days=1),
        values=[(3, 9), (3, 9), (3, 1), (3, 1), (3, 1)],
    )
    _submit(cast, craving=8)  # last five: 9, 1, 1, 1, 8
    assert _alerts(cast, "monitoring.high_craving") == []


def test_the_same_streak_of_cravings_updates_one_alert(cast, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=1), values=[(3, 8), (3, 8)])
    _submit(cast, craving=9)
    _submit(cast, craving=10)
    assert len(_alerts(cast, "monitoring.high_craving")) == 1


# Mood 1 on 3 days in a row: medium.


def test_mood_one_three_days_in_a_row_raises_a_medium_alert(cast, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=1), values=[(1, 2), (1, 2)])
    _submit(cast, mood=1)
    [alert] = _alerts(cast, "monitoring.low_mood")
    assert alert.severity == "medium"
    assert "Mood 1 of 5 (very low) on 3 days in a row, Jun 13 to Jun 15" in alert.reason


def test_mood_one_on_two_days_raises_nothing(cast, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=1), values=[(2, 2), (1, 2)])
    _submit(cast, mood=1)
    assert _alerts(cast, "monitoring.low_mood") == []


def test_mood_one_with_a_missed_day_between_is_not_in_a_row(cast, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=3), values=[(1, 2), (1, 2)])
    _submit(cast, mood=1)
    assert _alerts(cast, "monitoring.low_mood") == []


# Reported use: high.


def test_a_reported_use_raises_a_high_alert_for_the_coordinator(cast, at_noon):
    _submit(cast, used=True, substances=["alcohol"])
    [alert] = _alerts(cast, "monitoring.reported_use")
    assert alert.severity == "high"
    assert "reported using Alcohol on Jun 15" in alert.reason


def test_a_check_in_without_use_raises_no_use_alert(cast, at_noon):
    _submit(cast, used=False)
    assert _alerts(cast, "monitoring.reported_use") == []


def test_a_lapse_told_to_staff_raises_the_same_alert(cast, at_noon):
    lapse_record(actor=cast.coordinator, client=cast.client, day=TODAY, substance="Opioids")
    assert len(_alerts(cast, "monitoring.reported_use")) == 1


# No check-in for 2 days (medium) or 4 days (high): the daily job.


@pytest.mark.parametrize(
    ("last_days_ago", "severity"),
    [(1, None), (2, None), (3, "medium"), (4, "medium"), (5, "high"), (9, "high")],
)
def test_no_check_in_for_two_or_four_full_days(cast, plan, at_noon, last_days_ago, severity):
    # last check-in N days ago: N-1 full days missed (today does not count yet)
    make_check_ins(cast.client, today=TODAY - timedelta(days=last_days_ago), values=[(3, 2)])
    absence_rules_run()
    alerts = _alerts(cast, "monitoring.no_checkin")
    if severity is None:
        assert alerts == []
    else:
        [alert] = alerts
        assert alert.severity == severity
        assert f"No daily check-in for {last_days_ago - 1} days" in alert.reason


def test_the_no_check_in_alert_rises_from_medium_to_high_in_place(cast, plan, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=3), values=[(3, 2)])
    absence_rules_run()
    at_noon.shift(timedelta(days=2))
    absence_rules_run()
    [alert] = _alerts(cast, "monitoring.no_checkin")
    assert alert.severity == "high"


def test_a_client_without_an_aftercare_plan_is_not_checked(cast, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=9), values=[(3, 2)])
    absence_rules_run()
    assert _alerts(cast, "monitoring.no_checkin") == []


# Missed coordinator check-in or therapy session: medium.


def test_a_missed_coordinator_check_in_raises_a_medium_alert(cast, plan, at_noon):
    item = plan.check_ins.get()
    coordinator_check_in_record(actor=cast.coordinator, check_in=item, status="missed")
    [alert] = _alerts(cast, "aftercare.missed_appointment")
    assert alert.severity == "medium"
    assert "Missed the coordinator check-in on May 15" in alert.reason


def test_an_attended_coordinator_check_in_raises_nothing(cast, plan, at_noon):
    item = plan.check_ins.get()
    coordinator_check_in_record(actor=cast.coordinator, check_in=item, status="attended")
    assert _alerts(cast, "aftercare.missed_appointment") == []
    assert plan.check_ins.filter(status=CoordinatorCheckIn.Status.SCHEDULED).count() == 1


def test_a_missed_therapy_session_raises_a_medium_alert(cast, plan, at_noon):
    therapy = plan.components.get(kind="therapy")
    component_contact_log(actor=cast.coordinator, component=therapy, day=TODAY, attended=False)
    [alert] = _alerts(cast, "aftercare.missed_appointment")
    assert "Missed a therapy session on Jun 15" in alert.reason


def test_a_missed_support_group_is_not_a_missed_appointment(cast, plan, at_noon):
    group = plan.components.get(kind="support_group")
    component_contact_log(actor=cast.coordinator, component=group, day=TODAY, attended=False)
    therapy = plan.components.get(kind="therapy")
    component_contact_log(actor=cast.coordinator, component=therapy, day=TODAY, attended=True)
    assert _alerts(cast, "aftercare.missed_appointment") == []


# Adherence under 50% over two weeks: medium (the daily job).


def _attend(cast, plan, *, therapy: int, meetings: int):
    therapy_c = plan.components.get(kind="therapy")
    ComponentContact.objects.bulk_create(
        [
            ComponentContact(component=therapy_c, date=TODAY - timedelta(days=2 + 7 * i))
            for i in range(therapy)
        ]
    )
    MeetingAttendance.objects.bulk_create(
        [
            MeetingAttendance(
                client=cast.client, date=TODAY - timedelta(days=1 + i), meeting_type="aa"
            )
            for i in range(meetings)
        ]
    )


def test_adherence_under_half_over_two_weeks_raises_a_medium_alert(cast, plan, at_noon):
    make_check_ins(cast.client, today=TODAY, values=[(3, 2)])
    _attend(cast, plan, therapy=1, meetings=2)  # 3 of 8 expected = 38%
    absence_rules_run()
    [alert] = _alerts(cast, "aftercare.low_adherence")
    assert alert.severity == "medium"
    assert alert.reason.startswith("Aftercare plan adherence 38% over the last 14 days")


def test_adherence_of_half_raises_nothing(cast, plan, at_noon):
    make_check_ins(cast.client, today=TODAY, values=[(3, 2)])
    _attend(cast, plan, therapy=1, meetings=3)  # 4 of 8 = 50%
    absence_rules_run()
    assert _alerts(cast, "aftercare.low_adherence") == []


# Configurable per program.


def test_a_program_can_switch_a_rule_off(cast, at_noon):
    RuleSetting.objects.create(program=cast.program, rule="reported_use", enabled=False)
    _submit(cast, used=True, substances=["alcohol"])
    assert _alerts(cast, "monitoring.reported_use") == []


def test_a_program_can_change_a_threshold(cast, at_noon):
    RuleSetting.objects.create(program=cast.program, rule="low_mood", params={"days": 2})
    make_check_ins(cast.client, today=TODAY - timedelta(days=1), values=[(1, 2)])
    _submit(cast, mood=1)
    assert len(_alerts(cast, "monitoring.low_mood")) == 1


def test_another_programs_settings_do_not_apply(cast, at_noon):
    RuleSetting.objects.create(program=cast.other_program, rule="reported_use", enabled=False)
    _submit(cast, used=True, substances=["alcohol"])
    assert len(_alerts(cast, "monitoring.reported_use")) == 1


def test_every_raised_alert_leaves_a_warning_sign_for_the_dashboard(cast, at_noon):
    _submit(cast, used=True, substances=["alcohol"])
    sign = WarningSign.objects.get(client=cast.client)
    assert sign.rule == "reported_use" and sign.severity == "high"


def test_the_daily_job_is_a_huey_periodic_task(cast, plan, at_noon):
    from recoverypath.earlywarning.tasks import absence_rules_daily

    make_check_ins(cast.client, today=TODAY - timedelta(days=5), values=[(3, 2)])
    absence_rules_daily.call_local()
    assert len(_alerts(cast, "monitoring.no_checkin")) == 1
