"""Collections and results: confirmation keeping history, expected medication positives, the
alerts a result raises, the lapse offered to the sobriety record, and bad input."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.alerts.models import Alert
from recoverypath.monitoring.models import Lapse
from recoverypath.testing.models import AnalyteResult, TestingSettings, TestSelection
from recoverypath.testing.services import (
    collection_record,
    medication_add,
    result_record,
    result_send_for_confirmation,
    selection_add,
    selection_excuse,
)

from .conftest import make_policy

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=NY)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _urine(cast, **extra):
    values = {
        "actor": cast.coordinator,
        "client": cast.client,
        "collected_at": NOW - timedelta(hours=2),
        "specimen_type": "urine",
        "collector": "Cora Coordwell",
        "custody_form_number": "COC-0001",
        "observed": True,
    }
    values.update(extra)
    return collection_record(**values)


def test_presumptive_then_confirmed_replaces_it_in_the_record_and_keeps_the_history(cast, policy):
    collection = _urine(
        cast, results=[{"analyte": "cocaine", "value": "400", "stage": "presumptive"}]
    )
    presumptive = collection.results.get()
    assert presumptive.outcome == "positive" and presumptive.cutoff == Decimal("150")
    result_send_for_confirmation(actor=cast.coordinator, result=presumptive)
    confirmed = result_record(
        actor=cast.clinician,
        collection=collection,
        analyte="cocaine",
        stage="confirmed",
        value="120",
    )
    presumptive.refresh_from_db()
    assert confirmed.current and confirmed.cutoff == Decimal("100")  # confirm cut-off
    assert not presumptive.current and presumptive.replaced_by_id == confirmed.id
    assert presumptive.sent_for_confirmation_at is not None
    assert AnalyteResult.objects.filter(collection=collection).count() == 2
    assert list(collection.results.filter(current=True)) == [confirmed]


def test_a_presumptive_positive_alerts_only_where_the_program_says_so(cast, policy):
    _urine(cast, results=[{"analyte": "marijuana", "value": "80"}])
    assert not Alert.objects.filter(kind="testing.positive").exists()
    TestingSettings.objects.create(program=cast.program, alert_on_presumptive=True)
    _urine(
        cast,
        collected_at=NOW - timedelta(hours=1),
        results=[{"analyte": "marijuana", "value": "80"}],
    )
    assert Alert.objects.get(kind="testing.positive").severity == "high"


def test_a_confirmed_positive_raises_a_high_alert_and_offers_a_lapse(cast, policy):
    collection = _urine(cast, results=[{"analyte": "cocaine", "outcome": "positive"}])
    result_record(
        actor=cast.coordinator,
        collection=collection,
        analyte="cocaine",
        stage="confirmed",
        outcome="positive",
    )
    alert = Alert.objects.get(kind="testing.positive")
    assert alert.severity == "high" and "Cocaine" in alert.reason
    lapse = Lapse.objects.get(client=cast.client)
    assert lapse.date == date(2026, 11, 26)
    assert lapse.counter_restarted is None  # the client is asked, as after a reported use


def test_a_reported_lapse_that_day_is_kept_as_it_is(cast, policy):
    Lapse.objects.create(client=cast.client, date=date(2026, 11, 26), substance="Cannabis")
    _urine(cast, results=[{"analyte": "marijuana", "value": "30", "stage": "confirmed"}])
    assert list(Lapse.objects.values_list("substance", flat=True)) == ["Cannabis"]


def test_an_expected_medication_positive_shows_as_expected_and_raises_no_alert(cast, policy):
    medication_add(
        actor=cast.clinician,
        client=cast.client,
        name="Buprenorphine-naloxone 8/2 mg",
        analyte="buprenorphine",
        start_date=date(2026, 10, 1),
    )
    collection = _urine(
        cast,
        panel=None,
        results=[
            {"analyte": "buprenorphine", "value": "40", "stage": "confirmed"},
            {"analyte": "cocaine", "value": "0", "stage": "confirmed"},
        ],
    )
    bup = collection.results.get(analyte="buprenorphine")
    assert bup.outcome == "positive" and bup.expected
    assert not Alert.objects.exists()  # neither a testing alert nor a lapse's
    assert not Lapse.objects.exists()


def test_a_brac_above_the_programs_threshold_raises_a_high_alert(cast, policy):
    TestingSettings.objects.create(program=cast.program, brac_threshold=Decimal("0.040"))
    collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=NOW,
        specimen_type="breath",
        collector="Cora",
        brac="0.030",
    )
    assert not Alert.objects.filter(kind="testing.brac").exists()
    collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=NOW,
        specimen_type="breath",
        collector="Cora",
        brac="0.041",
    )
    assert Alert.objects.get(kind="testing.brac").severity == "high"


@pytest.mark.parametrize(
    ("validity", "alerts"), [("invalid", 1), ("substituted", 1), ("dilute", 0)]
)
def test_a_specimen_that_is_not_valid_raises_a_high_alert(cast, policy, validity, alerts):
    _urine(cast, validity=validity)
    assert Alert.objects.filter(kind="testing.invalid_specimen", severity="high").count() == alerts


def test_collecting_meets_the_days_selection(cast, policy):
    selection = selection_add(
        actor=cast.coordinator, client=cast.client, kind="for_cause", reason="Smelled alcohol"
    )
    collection = _urine(cast)
    selection.refresh_from_db()
    assert collection.selection_id == selection.id
    assert selection.status == TestSelection.Status.COLLECTED


def _fields(excinfo) -> dict:
    return excinfo.value.message_dict


def test_an_unknown_analyte_is_refused_with_a_message_on_its_field(cast, policy):
    with pytest.raises(ValidationError) as excinfo:
        _urine(cast, results=[{"analyte": "unicorn-dust", "outcome": "positive"}])
    assert _fields(excinfo) == {"results[0].analyte": ["Unknown analyte: unicorn-dust."]}


def test_a_negative_brac_is_refused_with_a_message_on_its_field(cast, policy):
    with pytest.raises(ValidationError) as excinfo:
        collection_record(
            actor=cast.coordinator,
            client=cast.client,
            collected_at=NOW,
            specimen_type="breath",
            collector="Cora",
            brac="-0.01",
        )
    assert _fields(excinfo) == {"brac": ["BrAC cannot be negative."]}


def test_a_result_before_the_collection_is_refused_with_a_message_on_its_field(cast, policy):
    with pytest.raises(ValidationError) as excinfo:
        _urine(
            cast,
            results=[
                {
                    "analyte": "cocaine",
                    "outcome": "negative",
                    "resulted_at": (NOW - timedelta(hours=3)).isoformat(),
                }
            ],
        )
    assert _fields(excinfo) == {
        "results[0].resulted_at": ["A result cannot come before the collection."]
    }


def test_a_collection_outside_the_policys_dates_is_refused_with_a_message_on_its_field(cast):
    make_policy(cast.client, start_date=date(2026, 1, 1), end_date=date(2026, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        _urine(cast)
    assert _fields(excinfo) == {
        "collected_at": ["The collection is outside the policy's dates (2026-01-01 to 2026-06-30)."]
    }


def test_a_value_that_contradicts_the_outcome_is_refused(cast, policy):
    with pytest.raises(ValidationError) as excinfo:
        _urine(cast, results=[{"analyte": "cocaine", "value": "10", "outcome": "positive"}])
    assert "negative at the 150" in _fields(excinfo)["results[0].outcome"][0]


def test_front_desk_cannot_record_a_collection(cast, policy):
    with pytest.raises(PermissionDenied):
        _urine(cast, actor=cast.front_desk)


def test_an_excuse_that_would_overflow_the_reason_is_refused_and_nothing_changes(cast, policy):
    """A for-cause reason may fill most of the column: the excuse kept after it must fit too
    (on PostgreSQL an overflow was a server error)."""
    long_reason = "Smelled alcohol at group; " * 19  # 494 characters
    selection = selection_add(
        actor=cast.coordinator, client=cast.client, kind="for_cause", reason=long_reason
    )
    stored = selection.reason
    room = 500 - len(stored) - len(" · ")
    with pytest.raises(ValidationError) as excinfo:
        selection_excuse(actor=cast.coordinator, selection=selection, reason="In hospital")
    assert f"at most {room} characters" in _fields(excinfo)["reason"][0]
    selection.refresh_from_db()
    assert selection.status != TestSelection.Status.EXCUSED
    assert selection.reason == stored

    short = selection_add(
        actor=cast.coordinator, client=cast.client, kind="for_cause", reason="Asked"
    )
    excused = selection_excuse(actor=cast.coordinator, selection=short, reason="In hospital")
    assert excused.status == TestSelection.Status.EXCUSED
    assert excused.reason == "Asked · In hospital"
