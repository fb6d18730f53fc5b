"""The stored risk rank (issue 14, part 5) equals the rank computed from the alerts and warning
signs after every kind of change, and the dashboard reads the page in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import OuterRef

from recoverypath.aftercare.models import AftercarePlan
from recoverypath.aftercare.services import aftercare_plan_start
from recoverypath.alerts.models import Alert
from recoverypath.alerts.selectors import alert_rank_subquery
from recoverypath.alerts.services import (
    AlertSpec,
    alert_acknowledge,
    alert_raise,
    alert_resolve,
    alert_resolve_cleared,
    alerts_raise_bulk,
)
from recoverypath.earlywarning.clearing import warnings_clear_run
from recoverypath.earlywarning.risk import last_warning_subquery
from recoverypath.earlywarning.services import absence_rules_run
from recoverypath.monitoring.services import check_in_submit, lapse_record
from tests.factories import ClientFactory
from tests.monitoring.conftest import make_check_ins

from .conftest import TODAY

BASE = {"mood": 3, "craving": 2, "sleep_hours": 7, "stress": 3, "used": False}


def _computed() -> dict[int, tuple[int, object]]:
    plans = AftercarePlan.objects.annotate(
        rank=alert_rank_subquery(client_id=OuterRef("client_id")),
        warning=last_warning_subquery(client_id=OuterRef("client_id")),
    )
    return {p.id: (p.rank, p.warning) for p in plans}


def _stored() -> dict[int, tuple[int, object]]:
    return {
        p.id: (p.risk_rank, p.last_warning_at)
        for p in AftercarePlan.objects.only("risk_rank", "last_warning_at")
    }


def _raise(cast, severity="medium", key="k"):
    return alert_raise(client=cast.client, kind="t.x", severity=severity, reason="r", dedup_key=key)


def _acknowledge(cast):
    for alert in Alert.objects.filter(client=cast.client, status="open").order_by("id")[:1]:
        alert_acknowledge(actor=cast.coordinator, alert=alert)


def _resolve(cast):
    for alert in Alert.objects.filter(client=cast.client).exclude(status="resolved")[:1]:
        alert_resolve(actor=cast.coordinator, alert=alert, note="Spoke with them.")


STEPS = {
    "raise": lambda cast: _raise(cast),
    "raise again, worse": lambda cast: _raise(cast, "critical"),
    "raise another, milder": lambda cast: _raise(cast, "low", key="k2"),
    "acknowledge": _acknowledge,
    "resolve by a person": _resolve,
    "resolve as cleared": lambda cast: [
        alert_resolve_cleared(alert_id=a.id, note="over")
        for a in Alert.objects.filter(client=cast.client).exclude(status="resolved")
    ],
    "reported use (a warning sign)": lambda cast: lapse_record(
        actor=cast.coordinator, client=cast.client, day=TODAY, substance="alcohol"
    ),
    "check-in (clears the absence warning)": lambda cast: check_in_submit(
        actor=cast.client_user, client=cast.client, **BASE
    ),
    "nightly rules": lambda cast: absence_rules_run(),
    "nightly clearing": lambda cast: warnings_clear_run(),
    "bulk raise": lambda cast: alerts_raise_bulk(
        [AlertSpec(client=cast.client, kind="t.y", severity="high", reason="r", dedup_key="b")]
    ),
}


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_the_stored_rank_equals_the_computed_rank_after_every_change(cast, plan, at_noon, order):
    other = ClientFactory(program=cast.program, coordinator=cast.coordinator)
    aftercare_plan_start(actor=cast.coordinator, client=other, start_date=TODAY - timedelta(9))
    make_check_ins(cast.client, today=TODAY - timedelta(days=5), values=[(3, 2)])
    assert _stored() == _computed()
    steps = list(STEPS.items())
    for name, step in steps if order == "forward" else reversed(steps):
        step(cast)
        assert _stored() == _computed(), name


def test_a_plan_started_for_a_client_with_an_open_alert_starts_with_its_rank(cast, at_noon):
    _raise(cast, "high")
    plan = aftercare_plan_start(actor=cast.coordinator, client=cast.client, start_date=TODAY)
    plan.refresh_from_db()
    assert plan.risk_rank == 1


def test_the_command_recomputes_ranks_written_around_the_services(cast, plan, at_noon):
    _raise(cast, "high")
    AftercarePlan.objects.update(risk_rank=9, last_warning_at=None)
    call_command("caseload_risk_recompute", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _stored() == _computed()
    assert AftercarePlan.objects.get(id=plan.id).risk_rank == 1
