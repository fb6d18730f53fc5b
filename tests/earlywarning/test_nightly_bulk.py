"""The nightly rules are set-based (issue 14, part 4): a fixed number of statements whatever the
number of clients, the same alerts, notifications, events and audit rows as raising one by one,
and nothing new on a re-run."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recoverypath.aftercare.models import AftercarePlan, PlanComponent
from recoverypath.alerts.models import Alert, AlertEvent
from recoverypath.alerts.services import AlertSpec, alert_raise, alerts_raise_bulk
from recoverypath.clients.models import Client
from recoverypath.core.models import AuditEvent
from recoverypath.earlywarning.models import WarningSign
from recoverypath.earlywarning.services import absence_rules_run
from recoverypath.notifications.models import Notification
from tests.factories import ClientFactory

from .conftest import TODAY


def _clients(cast, n: int, prefix: str) -> list[int]:
    """n clients with an active plan started 30 days ago and no check-in (both rules fire)."""
    Client.objects.bulk_create(
        [
            Client(
                organization_id=cast.program.organization_id,
                program=cast.program,
                mrn=f"NIGHT-{prefix}-{i:03d}",
                first_name=f"Nightly{i}",
                last_name="Fictional",
                date_of_birth=date(1990, 1, 1),
                coordinator=cast.coordinator,
                primary_clinician=cast.clinician,
                time_zone="America/New_York",
            )
            for i in range(n)
        ]
    )
    made = list(Client.objects.filter(mrn__startswith=f"NIGHT-{prefix}-").order_by("id"))
    plans = AftercarePlan.objects.bulk_create(
        [
            AftercarePlan(
                client=c,
                program=cast.program,
                coordinator=cast.coordinator,
                start_date=TODAY - timedelta(days=30),
                end_date=TODAY + timedelta(days=60),
            )
            for c in made
        ]
    )
    PlanComponent.objects.bulk_create(
        [PlanComponent(plan=p, kind="therapy", expected_per_week=1) for p in plans]
    )
    return [c.id for c in made]


def _statements(queries) -> int:
    """Statements issued, counting one bulk INSERT or UPDATE once: SQLite's backend splits a
    long one at 999 parameters (PostgreSQL's does not)."""
    count, last = 0, ""
    for query in queries:
        sql = query["sql"]
        bulk = sql.startswith("INSERT INTO") or (sql.startswith("UPDATE") and "CASE WHEN" in sql)
        table = sql.split(" ", 3)[2] if bulk else ""
        count += not (table and table == last)
        last = table
    return count


def _run(client_ids):
    with CaptureQueriesContext(connection) as queries:
        result = absence_rules_run(client_ids=client_ids)
    return result, _statements(queries.captured_queries)


def test_the_nightly_run_takes_the_same_statements_for_5_and_for_50_clients(cast, at_noon):
    few, many = _clients(cast, 5, "A"), _clients(cast, 50, "B")
    result_few, queries_few = _run(few)
    result_many, queries_many = _run(many)
    assert (result_few.clients, result_few.raised) == (5, 10)  # no check-in + low adherence
    assert (result_many.clients, result_many.raised) == (50, 100)
    assert queries_few == queries_many
    assert Alert.objects.filter(client_id__in=many).count() == 100
    assert Notification.objects.filter(source_type="alerts.alert").count() > 0
    # Raising them all again (a re-run) is also a fixed number of statements.
    _, again_few = _run(few)
    _, again_many = _run(many)
    assert again_few == again_many


def test_a_re_run_raises_nothing_new_and_tells_nobody_again(cast, at_noon):
    ids = _clients(cast, 3, "C")
    absence_rules_run(client_ids=ids)
    alerts = Alert.objects.filter(client_id__in=ids)
    notices = Notification.objects.count()
    signs = WarningSign.objects.count()
    assert alerts.count() == 6
    absence_rules_run(client_ids=ids)
    assert alerts.count() == 6
    assert set(alerts.values_list("raise_count", flat=True)) == {2}
    assert Notification.objects.count() == notices
    assert WarningSign.objects.count() == signs
    assert AlertEvent.objects.filter(alert__client_id__in=ids, kind="re_raised").count() == 6


def test_the_reasons_are_the_rules_wording(cast, at_noon):
    [client_id] = _clients(cast, 1, "D")
    absence_rules_run(client_ids=[client_id])
    reasons = dict(Alert.objects.filter(client_id=client_id).values_list("kind", "reason"))
    assert reasons["monitoring.no_checkin"] == (
        "No daily check-in for 30 days (since the plan started on May 16)."
    )
    assert reasons["aftercare.low_adherence"] == (
        "Aftercare plan adherence 0% over the last 14 days (below 50%). "
        "Outpatient therapy: 0 of about 2 expected."
    )


def _shape(client, alert):
    link = reverse("alerts:detail", args=[alert.id])
    notices = sorted(
        (n.recipient_id, n.channel, n.template, n.subject, n.body.replace(link, "#"), n.status)
        for n in Notification.objects.filter(source_type="alerts.alert", source_id=str(alert.id))
    )
    events = [(e.kind, e.note, e.notified, e.level) for e in AlertEvent.objects.filter(alert=alert)]
    audit = [
        (a.action, a.changes)
        for a in AuditEvent.objects.filter(
            object_type="alerts.alert", object_id=str(alert.id)
        ).order_by("id")
    ]
    fields = (alert.kind, alert.severity, alert.reason, alert.status, alert.raise_count)
    return fields, alert.escalation_due_at, notices, events, audit


@pytest.mark.parametrize("second", ["medium", "high"])
def test_bulk_raising_writes_what_raising_one_by_one_writes(cast, at_noon, second):
    one, bulk = (
        ClientFactory(
            program=cast.program, coordinator=cast.coordinator, primary_clinician=cast.clinician
        )
        for _ in range(2)
    )
    spec = {"kind": "t.bulk", "reason": "Fictional reason.", "dedup_key": "k"}
    alert_raise(client=one, severity="medium", **spec)
    alert_raise(client=one, severity=second, **spec)
    alerts_raise_bulk([AlertSpec(client=bulk, severity="medium", **spec)])
    alerts_raise_bulk([AlertSpec(client=bulk, severity=second, **spec)])
    a = Alert.objects.get(client=one)
    b = Alert.objects.get(client=bulk)
    shape_a, shape_b = _shape(one, a), _shape(bulk, b)
    assert shape_a[0] == shape_b[0]
    assert shape_a[2:] == shape_b[2:]
    assert shape_a[2]  # the care team was told
    assert (shape_a[1] is None) == (shape_b[1] is None)
