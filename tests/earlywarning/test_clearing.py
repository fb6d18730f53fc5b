"""Warnings clear themselves: every early-warning alert resolves, with an event saying why, when
what it warned of is over (issue 10, f); events (a use, a missed appointment) never do."""

from __future__ import annotations

from datetime import timedelta

from recoverypath.alerts.models import Alert, AlertEvent
from recoverypath.alerts.services import alert_acknowledge
from recoverypath.earlywarning.clearing import CLEARINGS, warnings_clear_run
from recoverypath.earlywarning.models import Rule, RuleSetting
from recoverypath.earlywarning.services import absence_rules_run
from recoverypath.earlywarning.tasks import absence_rules_daily
from recoverypath.monitoring.services import check_in_submit, lapse_record
from tests.monitoring.conftest import make_check_ins

from .conftest import TODAY

BASE = {"mood": 3, "craving": 2, "sleep_hours": 7, "stress": 3, "used": False}


def _submit(cast, **values):
    return check_in_submit(actor=cast.client_user, client=cast.client, **{**BASE, **values})


def _only(cast, kind) -> Alert:
    return Alert.objects.get(client=cast.client, kind=kind)


# (f) ------------------------------------------------------------------------------------------
def test_an_absence_alert_resolves_on_the_next_check_in_with_an_event_saying_why(
    cast, plan, at_noon
):
    make_check_ins(cast.client, today=TODAY - timedelta(days=5), values=[(3, 2)])
    absence_rules_run()
    alert = _only(cast, "monitoring.no_checkin")
    alert_acknowledge(actor=cast.coordinator, alert=alert)  # open or acknowledged: both clear

    _submit(cast)

    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert.resolved_by is None
    event = alert.events.get(kind=AlertEvent.Kind.RESOLVED)
    assert event.note == alert.resolution_note
    assert f"Checked in again (latest check-in {TODAY:%b} {TODAY.day})" in event.note
    assert "no longer applies" in event.note


def test_the_nightly_job_resolves_an_absence_alert_after_a_back_dated_check_in(cast, plan, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=5), values=[(3, 2)])
    absence_rules_run()
    alert = _only(cast, "monitoring.no_checkin")
    at_noon.shift(timedelta(minutes=5))
    make_check_ins(cast.client, today=TODAY - timedelta(days=1), values=[(3, 2)])  # no signal
    assert warnings_clear_run() == 1
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_a_new_absence_after_the_client_came_back_is_a_new_alert(cast, plan, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=5), values=[(3, 2)])
    absence_rules_run()
    _submit(cast)
    at_noon.shift(timedelta(days=4))
    absence_rules_run()
    alerts = Alert.objects.filter(client=cast.client, kind="monitoring.no_checkin")
    assert sorted(alerts.values_list("status", flat=True)) == ["open", "resolved"]


def test_a_high_craving_alert_resolves_when_cravings_ease(cast, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=1), values=[(3, 8), (3, 9), (3, 7)])
    _submit(cast, craving=9)
    alert = _only(cast, "monitoring.high_craving")
    assert alert.status == "open"
    for _ in range(3):  # three calm days push two high ones out of the last five
        at_noon.shift(timedelta(days=1))
        _submit(cast, craving=2)
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert.resolution_note.startswith("Cravings eased: 2 of the last 5 check-ins")


def test_a_low_mood_alert_resolves_when_the_mood_lifts(cast, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=1), values=[(1, 2), (1, 2)])
    _submit(cast, mood=1)
    alert = _only(cast, "monitoring.low_mood")
    at_noon.shift(timedelta(days=1))
    _submit(cast, mood=3)
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert "run of very low days has ended" in alert.resolution_note


def test_a_reported_use_never_resolves_by_itself(cast, at_noon):
    lapse_record(actor=cast.coordinator, client=cast.client, day=TODAY, substance="Alcohol")
    at_noon.shift(timedelta(days=1))
    _submit(cast)
    warnings_clear_run()
    assert _only(cast, "monitoring.reported_use").status == "open"


def test_two_reported_uses_are_two_alerts(cast, at_noon):
    lapse_record(actor=cast.coordinator, client=cast.client, day=TODAY, substance="Alcohol")
    lapse_record(
        actor=cast.coordinator,
        client=cast.client,
        day=TODAY - timedelta(days=2),
        substance="Cannabis",
    )
    assert Alert.objects.filter(client=cast.client, kind="monitoring.reported_use").count() == 2


def test_every_rule_states_when_its_alert_is_no_longer_true():
    assert set(CLEARINGS) == set(Rule.values)
    events = {rule for rule, clearing in CLEARINGS.items() if clearing.check is None}
    assert events == {Rule.REPORTED_USE, Rule.MISSED_APPOINTMENT}


def test_the_daily_task_clears_before_it_raises(cast, plan, at_noon):
    make_check_ins(cast.client, today=TODAY - timedelta(days=5), values=[(3, 2)])
    absence_rules_run()
    alert = _only(cast, "monitoring.no_checkin")
    at_noon.shift(timedelta(minutes=1))
    make_check_ins(cast.client, today=TODAY, values=[(3, 2)])
    absence_rules_daily.call_local()
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert not Alert.objects.filter(
        client=cast.client, kind="monitoring.no_checkin", status="open"
    ).exists()


def test_safety_alerts_are_never_resolved_by_the_job(cast, at_noon):
    from recoverypath.alerts.services import alert_raise

    alert_raise(
        client=cast.client,
        kind="safety.phq9_item9",
        severity="critical",
        reason="Item 9 answered 1.",
        dedup_key="safety.phq9_item9:assessment:1",
    )
    _submit(cast)
    warnings_clear_run()
    assert _only(cast, "safety.phq9_item9").status == "open"


def test_the_rule_settings_api_offers_the_unexcused_absence_threshold(cast):
    from tests.conftest import api_as

    url = f"/api/v1/early-warning-rules/{cast.program.id}/"
    rules = {r["rule"]: r for r in api_as(cast.admin).get(url).json()["rules"]}
    assert rules["unexcused_absences"]["params"] == {"count": 2}
    body = {"rules": [{"rule": "unexcused_absences", "params": {"count": 15}}]}
    response = api_as(cast.admin).put(url, body, format="json")
    assert response.status_code == 400
    assert "rules.unexcused_absences.count" in response.json()["error"]["fields"]
    body = {"rules": [{"rule": "unexcused_absences", "params": {"count": 4}}]}
    assert api_as(cast.admin).put(url, body, format="json").status_code == 200
    assert RuleSetting.objects.get(rule="unexcused_absences").params == {"count": 4}
