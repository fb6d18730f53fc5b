"""Escalation with a fake clock: assignee -> coordinator -> program admins, each step recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from recoverypath.alerts.models import Alert, AlertEvent, EscalationPolicy
from recoverypath.alerts.services import (
    alert_acknowledge,
    alert_assign,
    alerts_escalate_overdue,
    escalation_policy_update,
)
from recoverypath.notifications.models import Notification

T0 = datetime(2026, 4, 2, 14, 0, tzinfo=UTC)


def _escalations(alert):
    return list(alert.events.filter(kind=AlertEvent.Kind.ESCALATED).order_by("at", "id"))


def _told(user, template):
    return Notification.objects.filter(recipient=user, template=template, channel="email").count()


def test_a_critical_alert_left_unacknowledged_escalates_after_15_minutes_and_up_the_chain(
    cast, raise_alert
):
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="critical", kind="safety.phq9_item9")
        alert_assign(actor=cast.admin, alert=alert, assignee=cast.clinician)

        clock.shift(timedelta(minutes=14, seconds=59))
        assert alerts_escalate_overdue() == 0

        clock.shift(timedelta(seconds=1))  # 15 minutes: the care team (clinician already told)
        assert alerts_escalate_overdue() == 1
        alert.refresh_from_db()
        assert alert.escalation_level == 1
        first = _escalations(alert)[0]
        assert first.at == T0 + timedelta(minutes=15)
        assert first.notified == [cast.coordinator.id]
        assert "coordinator" in first.note

        clock.shift(timedelta(minutes=14))
        assert alerts_escalate_overdue() == 0

        clock.shift(timedelta(minutes=1))  # 30 minutes: to the program admins
        assert alerts_escalate_overdue() == 1
        alert.refresh_from_db()
        assert alert.escalation_level == 2
        second = _escalations(alert)[1]
        assert second.at == T0 + timedelta(minutes=30)
        assert second.notified == [cast.admin.id]
        assert "admins" in second.note

        clock.shift(timedelta(minutes=15))  # the top of the chain: critical pages it again
        assert alerts_escalate_overdue() == 1
        alert.refresh_from_db()
        assert alert.escalation_level == 2
        assert alert.escalation_due_at == T0 + timedelta(minutes=60)
    paged = alert.events.get(kind=AlertEvent.Kind.PAGED)
    assert paged.notified == [cast.admin.id]
    assert "admins again" in paged.note
    assert [e.kind for e in alert.events.all()] == [
        "raised",
        "assigned",
        "escalated",
        "escalated",
        "paged",
    ]
    assert [e.level for e in _escalations(alert)] == [1, 2]
    assert _told(cast.coordinator, "alerts.escalated") == 1
    assert _told(cast.admin, "alerts.escalated") == 2


def test_acknowledging_stops_escalation(cast, raise_alert):
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="critical")
        clock.shift(timedelta(minutes=10))
        alert_acknowledge(actor=cast.coordinator, alert=alert)
        clock.shift(timedelta(hours=2))
        assert alerts_escalate_overdue() == 0
    assert not _escalations(alert)


def test_a_high_alert_waits_four_hours_and_a_low_one_never_escalates(cast, raise_alert):
    with time_machine.travel(T0, tick=False) as clock:
        high = raise_alert(severity="high")
        low = raise_alert(severity="low")
        clock.shift(timedelta(hours=3, minutes=59))
        assert alerts_escalate_overdue() == 0
        clock.shift(timedelta(minutes=1))
        assert alerts_escalate_overdue() == 1
        clock.shift(timedelta(days=30))
        alerts_escalate_overdue()
    assert len(_escalations(high)) == 1  # care team -> admins, then the top: once per step
    assert not high.events.filter(kind=AlertEvent.Kind.PAGED).exists()
    assert _escalations(low) == []
    assert Alert.objects.get(pk=low.pk).escalation_due_at is None


def test_two_workers_running_the_job_at_once_take_each_step_once(cast, raise_alert):
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="critical")
        clock.shift(timedelta(minutes=15))
        assert alerts_escalate_overdue() + alerts_escalate_overdue() == 1
    assert len(_escalations(alert)) == 1


def test_program_admins_change_the_windows_and_open_alerts_follow(cast, raise_alert):
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="medium")
        assert alert.escalation_due_at == T0 + timedelta(hours=24)
        escalation_policy_update(
            actor=cast.admin,
            program=cast.program,
            critical_minutes=5,
            high_minutes=60,
            medium_minutes=120,
            low_minutes=None,
        )
        alert.refresh_from_db()
        assert alert.escalation_due_at == T0 + timedelta(minutes=120)
        clock.shift(timedelta(minutes=120))
        assert alerts_escalate_overdue() == 1
    assert EscalationPolicy.objects.get(program=cast.program).critical_minutes == 5


@pytest.mark.parametrize("who", ["coordinator", "clinician", "front_desk", "outsider"])
def test_only_program_admins_change_the_escalation_policy(cast, who):
    with pytest.raises(PermissionDenied):
        escalation_policy_update(
            actor=getattr(cast, who),
            program=cast.program,
            critical_minutes=5,
            high_minutes=60,
            medium_minutes=120,
            low_minutes=None,
        )


def test_a_policy_change_moves_every_open_alert_in_a_fixed_number_of_queries(
    cast, raise_alert, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def update(minutes):
        escalation_policy_update(
            actor=cast.admin,
            program=cast.program,
            critical_minutes=minutes,
            high_minutes=minutes,
            medium_minutes=None,
            low_minutes=None,
        )

    with time_machine.travel(T0, tick=False) as clock:
        first = raise_alert(severity="high")
        update(30)
        with CaptureQueriesContext(connection) as one:
            update(45)
        clock.shift(timedelta(minutes=45))
        assert alerts_escalate_overdue() == 1  # `first`'s next step counts from its escalation
        for _ in range(20):
            raise_alert(severity="high")
        with django_assert_num_queries(len(one)):
            update(50)
    first.refresh_from_db()
    assert first.escalated_at == T0 + timedelta(minutes=45)
    assert first.escalation_due_at == first.escalated_at + timedelta(minutes=50)
    others = Alert.objects.filter(status="open").exclude(pk=first.pk)
    assert others.count() == 20
    assert {a.escalation_due_at for a in others} == {T0 + timedelta(minutes=95)}
