"""The unexcused-absence rule is an early-warning rule like the others: a threshold per
program, on or off, and the alert resolves itself when the client attends again."""

from __future__ import annotations

from datetime import date

import pytest

from recoverypath.alerts.models import Alert
from recoverypath.earlywarning.models import Rule, RuleSetting
from recoverypath.scheduling import services

from .conftest import make_clients, past_session

JOINED = date(2026, 1, 5)


@pytest.fixture
def roster(cast, group_factory):
    group = group_factory(capacity=20)
    [client] = make_clients(cast, 1)
    services.group_enroll(actor=cast.front_desk, group=group, client=client, on_date=JOINED)
    return group, client


@pytest.fixture
def absent(cast, django_capture_on_commit_callbacks):
    """absent(group, client, days_ago, status): attendance taken, rules run after commit."""

    def take(group, client, days_ago, status="unexcused"):
        session = past_session(cast, group, days_ago=days_ago)
        with django_capture_on_commit_callbacks(execute=True):
            services.attendance_record(
                actor=cast.clinician,
                session=session,
                rows=[{"client_id": client.id, "status": status}],
            )

    return take


def test_a_program_sets_how_many_unexcused_absences_raise_the_alert(cast, roster, absent):
    group, client = roster
    RuleSetting.objects.create(
        program=cast.program, rule=Rule.UNEXCUSED_ABSENCES, params={"count": 3}
    )
    absent(group, client, 9)
    absent(group, client, 7)
    assert not Alert.objects.filter(client=client).exists()
    absent(group, client, 5)
    alert = Alert.objects.get(client=client)
    assert (alert.kind, alert.severity) == ("attendance.unexcused_absences", "high")
    assert alert.reason.startswith("3 unexcused absences in a row")
    assert client.warning_signs.get().rule == Rule.UNEXCUSED_ABSENCES


def test_a_program_can_switch_the_unexcused_absence_rule_off(cast, roster, absent):
    group, client = roster
    RuleSetting.objects.create(program=cast.program, rule=Rule.UNEXCUSED_ABSENCES, enabled=False)
    for days_ago in (5, 3, 1):
        absent(group, client, days_ago)
    assert not Alert.objects.filter(client=client).exists()


def test_the_unexcused_absence_alert_resolves_when_the_client_attends(cast, roster, absent):
    group, client = roster
    absent(group, client, 5)
    absent(group, client, 3)
    alert = Alert.objects.get(client=client)
    absent(group, client, 1, status="present")
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert "run of unexcused absences has ended" in alert.resolution_note
