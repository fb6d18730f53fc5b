from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recoverypath.alerts.models import Alert
from recoverypath.discharge import services
from recoverypath.discharge.tasks import discharge_readiness_alerts

from .conftest import complete_checklist

pytestmark = pytest.mark.django_db


def move_target(plan, days: int):
    from recoverypath.core.timezones import local_today

    plan.target_graduation_date = local_today(plan.program.time_zone) + timedelta(days=days)
    plan.save(update_fields=["target_graduation_date"])


def test_graduation_within_14_days_with_open_items_raises_a_medium_alert(cast, plan):
    move_target(plan, 10)
    assert services.readiness_alerts_raise() == 1
    alert = Alert.objects.get(client=cast.client, kind="discharge.readiness")
    assert alert.severity == "medium"
    assert "in 10 days" in alert.reason
    assert "Living situation assessed" in alert.reason


def test_graduation_within_3_days_raises_a_high_alert(cast, plan):
    move_target(plan, 3)
    services.readiness_alerts_raise()
    assert Alert.objects.get(client=cast.client, kind="discharge.readiness").severity == "high"


def test_an_overdue_graduation_with_open_items_is_high(cast, plan):
    move_target(plan, -2)
    services.readiness_alerts_raise()
    alert = Alert.objects.get(client=cast.client, kind="discharge.readiness")
    assert alert.severity == "high"
    assert "2 days ago" in alert.reason


def test_the_daily_job_raises_one_alert_per_plan_and_escalates_it(cast, plan):
    move_target(plan, 10)
    discharge_readiness_alerts.call_local()
    discharge_readiness_alerts.call_local()
    assert Alert.objects.filter(kind="discharge.readiness").count() == 1
    move_target(plan, 2)
    discharge_readiness_alerts.call_local()
    alerts = Alert.objects.filter(kind="discharge.readiness")
    assert alerts.count() == 1
    assert alerts.get().severity == "high"


def test_no_alert_more_than_14_days_out(cast, plan):
    move_target(plan, 15)
    assert services.readiness_alerts_raise() == 0
    assert not Alert.objects.exists()


def test_no_alert_when_every_required_item_is_done(cast, plan, provider):
    complete_checklist(plan, cast, provider)
    move_target(plan, 2)
    assert services.readiness_alerts_raise() == 0


def test_no_alert_for_a_graduated_plan(cast, plan):
    move_target(plan, 2)
    services.discharge_graduate(actor=cast.clinician, plan=plan, override_reason="Moved away")
    assert services.readiness_alerts_raise() == 0


def test_a_program_a_day_ahead_of_the_server_is_judged_on_its_own_day(cast, plan):
    import time_machine
    from django.utils import timezone

    from recoverypath.core.timezones import local_today

    program = plan.program
    program.time_zone = "Pacific/Kiritimati"  # UTC+14: already tomorrow for the server
    program.save(update_fields=["time_zone"])
    # 23:00 in New York (the server's zone) is 17:00 the next day in Kiritimati.
    with time_machine.travel(datetime(2026, 6, 15, 3, 0, tzinfo=UTC), tick=False):
        assert local_today(program.time_zone) == timezone.localdate() + timedelta(days=1)
        move_target(plan, 14)  # 14 days for the program, 15 for the server
        assert services.readiness_alerts_raise() == 1
    assert Alert.objects.get(client=cast.client, kind="discharge.readiness").severity == "medium"
