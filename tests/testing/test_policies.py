"""Policies and program panels: one active policy per client, ending, program panels with
cut-offs, and the to-do of results awaiting lab confirmation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.core.todo import todo_list
from recoverypath.testing.models import TestingPolicy
from recoverypath.testing.services import (
    collection_record,
    panel_create,
    policy_end,
    policy_start,
    result_send_for_confirmation,
)

from .conftest import standard_panel

NY = ZoneInfo("America/New_York")


def _values(**extra):
    values = {
        "tests_per_period": 2,
        "period": "week",
        "panel": standard_panel("oral-5"),
        "specimen_types": ["oral_fluid"],
        "window_days": [0, 2, 4],
        "window_start": "09:00",
        "window_end": "12:00",
        "site": "Clinic",
        "start_date": date(2026, 11, 1),
    }
    values.update(extra)
    return values


def test_a_client_has_one_active_policy_unless_replaced(cast):
    first = policy_start(actor=cast.coordinator, client=cast.client, **_values())
    with pytest.raises(ValidationError) as excinfo:
        policy_start(actor=cast.coordinator, client=cast.client, **_values())
    assert "client" in excinfo.value.message_dict
    second = policy_start(
        actor=cast.coordinator,
        client=cast.client,
        replace=True,
        **_values(start_date=date(2026, 12, 1)),
    )
    first.refresh_from_db()
    assert (first.status, first.end_date) == ("ended", date(2026, 11, 30))
    assert second.status == "active"


def test_ending_a_policy_stops_it_that_day(cast):
    policy = policy_start(actor=cast.coordinator, client=cast.client, **_values())
    policy_end(actor=cast.coordinator, policy=policy, end_date=date(2026, 11, 20))
    assert (policy.status, policy.end_date) == (TestingPolicy.Status.ENDED, date(2026, 11, 20))


def test_a_panel_for_another_specimen_is_refused(cast):
    with pytest.raises(ValidationError) as excinfo:
        policy_start(
            actor=cast.coordinator, client=cast.client, **_values(specimen_types=["urine"])
        )
    assert excinfo.value.message_dict == {
        "panel": ["The panel is for another specimen type than the policy collects."]
    }


def test_a_program_panel_keeps_its_own_cutoffs_and_results_are_judged_by_them(cast):
    panel = panel_create(
        actor=cast.clinician,
        program=cast.program,
        code="etg-sensitive",
        name="Urine EtG (sensitive)",
        specimen_type="urine",
        cutoffs={"etg": {"screen": "100", "confirm": "100"}},
    )
    policy_start(
        actor=cast.coordinator,
        client=cast.client,
        **_values(panel=panel, specimen_types=["urine"], window_days=[0, 1, 2, 3, 4, 5, 6]),
    )
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=NY), tick=False):
        collection = collection_record(
            actor=cast.coordinator,
            client=cast.client,
            collected_at=datetime(2026, 11, 26, 10, tzinfo=NY),
            specimen_type="urine",
            collector="Cora",
            results=[{"analyte": "etg", "value": "150"}],
        )
    result = collection.results.get()
    assert (result.outcome, result.cutoff) == ("positive", 100)


def test_a_program_panel_with_an_unknown_analyte_or_bad_cutoff_gets_field_messages(cast):
    with pytest.raises(ValidationError) as excinfo:
        panel_create(
            actor=cast.clinician,
            program=cast.program,
            code="mine",
            name="Mine",
            specimen_type="urine",
            cutoffs={
                "glitter": {"screen": 1, "confirm": 1},
                "cocaine": {"screen": -5, "confirm": 1},
            },
        )
    assert excinfo.value.message_dict == {
        "cutoffs.glitter": ["Unknown analyte: glitter."],
        "cutoffs.cocaine.screen": ["Enter a cut-off above 0 (ng/mL)."],
    }


def test_coordinators_do_not_set_program_panels(cast):
    with pytest.raises(PermissionDenied):
        panel_create(
            actor=cast.coordinator,
            program=cast.program,
            code="mine",
            name="Mine",
            specimen_type="urine",
            cutoffs={"cocaine": {"screen": 150, "confirm": 100}},
        )


def test_a_result_sent_for_confirmation_is_on_the_to_do_list(cast):
    policy_start(
        actor=cast.coordinator,
        client=cast.client,
        **_values(
            panel=standard_panel("urine-5"),
            specimen_types=["urine"],
            window_days=[0, 1, 2, 3, 4, 5, 6],
        ),
    )
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=NY), tick=False):
        collection = collection_record(
            actor=cast.coordinator,
            client=cast.client,
            collected_at=datetime(2026, 11, 26, 10, tzinfo=NY) - timedelta(hours=1),
            specimen_type="urine",
            collector="Cora",
            results=[{"analyte": "amphetamines", "value": "900"}],
        )
        result_send_for_confirmation(actor=cast.coordinator, result=collection.results.get())
    labels = [item.label for item in todo_list(user=cast.coordinator)]
    assert "Lab confirmation awaited: Amphetamine, methamphetamine" in labels
    assert not any("Lab confirmation" in i.label for i in todo_list(user=cast.front_desk))
