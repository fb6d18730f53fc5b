"""Safety signals always reach a human: critical alerts page the chain until someone answers,
a client without a care team goes to the admins and every clinician's to-do list, and critical
escalation cannot be switched off."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from recoverypath.accounts.models import Role
from recoverypath.alerts.models import Alert, AlertEvent, EscalationPolicy
from recoverypath.alerts.services import (
    alert_acknowledge,
    alerts_escalate_overdue,
    escalation_policy_update,
)
from recoverypath.core.todo import todo_list
from recoverypath.notifications.models import Notification
from tests.conftest import api_as
from tests.factories import ClientFactory, staff

T0 = datetime(2026, 4, 2, 14, 0, tzinfo=UTC)


def _in_app_rows(alert) -> Counter:
    """(recipient id, created at) -> number of in-app notices about `alert`."""
    rows = Notification.objects.filter(
        source_type="alerts.alert", source_id=str(alert.id), channel="in_app"
    )
    return Counter((n.recipient_id, n.created_at) for n in rows)


# (b) ------------------------------------------------------------------------------------------
def test_an_unacknowledged_critical_alert_pages_every_15_minutes_up_to_the_admins_and_on(
    cast, raise_alert
):
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="critical", kind="safety.phq9_item9")
        for _ in range(4):  # 15, 30, 45, 60 minutes
            clock.shift(timedelta(minutes=14, seconds=59))
            assert alerts_escalate_overdue() == 0
            clock.shift(timedelta(seconds=1))
            assert alerts_escalate_overdue() == 1
        alert.refresh_from_db()
        assert alert.escalation_due_at == T0 + timedelta(minutes=75)

    steps = list(alert.events.order_by("at", "id"))
    care_team = sorted([cast.clinician.id, cast.coordinator.id])
    assert [(e.kind, e.at - T0, e.notified) for e in steps] == [
        ("raised", timedelta(0), care_team),
        ("escalated", timedelta(minutes=15), [cast.admin.id]),
        ("paged", timedelta(minutes=30), [cast.admin.id]),
        ("paged", timedelta(minutes=45), [cast.admin.id]),
        ("paged", timedelta(minutes=60), [cast.admin.id]),
    ]
    # Every notice is recorded: one row per person per step, nobody told twice in one step.
    rows = _in_app_rows(alert)
    assert set(rows.values()) == {1}
    expected = {(person, T0) for person in care_team} | {
        (cast.admin.id, T0 + timedelta(minutes=m)) for m in (15, 30, 45, 60)
    }
    assert set(rows) == expected
    assert Notification.objects.filter(source_id=str(alert.id), critical=False).count() == 0


def test_acknowledging_a_paging_alert_stops_the_pages(cast, raise_alert):
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="critical")
        clock.shift(timedelta(minutes=15))
        assert alerts_escalate_overdue() == 1
        alert_acknowledge(actor=cast.admin, alert=alert)
        clock.shift(timedelta(hours=2))
        assert alerts_escalate_overdue() == 0
    assert alert.events.filter(kind=AlertEvent.Kind.PAGED).count() == 0


def test_a_high_alert_takes_each_step_once_on_its_window(cast, raise_alert):
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="high")
        clock.shift(timedelta(hours=4))
        assert alerts_escalate_overdue() == 1
        clock.shift(timedelta(days=2))
        assert alerts_escalate_overdue() == 0
    assert [e.kind for e in alert.events.all()] == ["raised", "escalated"]


def test_a_program_can_order_its_chain_coordinator_first(cast, raise_alert):
    escalation_policy_update(
        actor=cast.admin,
        program=cast.program,
        critical_minutes=15,
        high_minutes=240,
        medium_minutes=1440,
        low_minutes=None,
        chain="coordinator_first",
    )
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="critical")
        clock.shift(timedelta(minutes=15))
        alerts_escalate_overdue()
        clock.shift(timedelta(minutes=15))
        alerts_escalate_overdue()
    assert [e.notified for e in alert.events.all()] == [
        [cast.coordinator.id],
        [cast.clinician.id],
        [cast.admin.id],
    ]


# (d) ------------------------------------------------------------------------------------------
def test_a_client_without_care_team_goes_to_the_admins_and_every_clinicians_todo_list(
    cast, raise_alert
):
    second_clinician = staff(cast.program, Role.CLINICIAN, first_name="Rowan")
    alone = ClientFactory(program=cast.program, first_name="Wren", last_name="Nobody")
    alert = raise_alert(client=alone, severity="critical", kind="safety.cssrs_positive")

    assert alert.events.get().notified == [cast.admin.id]
    assert set(
        Notification.objects.filter(source_id=str(alert.id)).values_list("recipient", flat=True)
    ) == {cast.admin.id}
    for clinician in (cast.clinician, second_clinician):
        items = [i for i in todo_list(user=clinician) if i.kind == "alerts.no_care_team"]
        assert [(i.client_name, i.priority) for i in items] == [(alone.display_name, "urgent")]
        assert items[0].url == reverse("alerts:detail", args=[alert.id])
        assert items[0].label.startswith("No care team")
    # Coordinators, front desk and other programs' clinicians do not owe it.
    for other in (cast.coordinator, cast.front_desk, cast.other_program_clinician):
        assert not [i for i in todo_list(user=other) if i.kind == "alerts.no_care_team"]


def test_the_no_care_team_item_goes_once_the_client_has_a_coordinator(cast, raise_alert):
    alone = ClientFactory(program=cast.program, first_name="Wren", last_name="Nobody")
    raise_alert(client=alone, severity="high")
    alone.coordinator = cast.coordinator
    alone.save(update_fields=["coordinator"])
    assert not [i for i in todo_list(user=cast.clinician) if i.kind == "alerts.no_care_team"]


def test_the_no_care_team_list_loads_in_a_fixed_number_of_queries(
    cast, raise_alert, django_assert_num_queries
):
    from recoverypath.alerts.views import todo_items

    for n in range(5):
        alone = ClientFactory(program=cast.program, first_name=f"Wren{n}", last_name="Nobody")
        raise_alert(client=alone, severity="high")
    cast.clinician.refresh_from_db()
    todo_items(cast.clinician)  # warm the membership cache
    with django_assert_num_queries(1):
        assert len(todo_items(cast.clinician)) == 5


# (g) ------------------------------------------------------------------------------------------
def test_the_service_refuses_switching_critical_escalation_off(cast):
    with pytest.raises(ValidationError) as info:
        escalation_policy_update(
            actor=cast.admin,
            program=cast.program,
            critical_minutes=None,
            high_minutes=None,
            medium_minutes=None,
            low_minutes=None,
        )
    assert "critical_minutes" in info.value.message_dict
    assert not EscalationPolicy.objects.exists()


def test_the_policy_form_refuses_an_empty_critical_window(client, cast):
    client.force_login(cast.admin)
    url = reverse("alerts:policy_edit", args=[cast.program.id])
    response = client.post(
        url, {"critical_minutes": "", "high_minutes": "", "medium_minutes": "", "low_minutes": ""}
    )
    assert response.status_code == 200
    assert "critical_minutes" in response.context["form"].errors
    assert "page until someone answers" in response.content.decode()
    assert not EscalationPolicy.objects.exists()


def test_the_api_refuses_null_critical_minutes_with_a_400(cast):
    url = f"/api/v1/escalation-policies/{cast.program.id}/"
    body = {"critical_minutes": None, "high_minutes": 60, "medium_minutes": None}
    response = api_as(cast.admin).put(url, {**body, "low_minutes": None}, format="json")
    assert response.status_code == 400
    assert "critical_minutes" in response.json()["error"]["fields"]
    assert not EscalationPolicy.objects.exists()


def test_the_api_reads_and_saves_the_policy_for_admins_only(cast):
    url = f"/api/v1/escalation-policies/{cast.program.id}/"
    assert api_as(cast.admin).get(url).json()["critical_minutes"] == 15
    body = {
        "critical_minutes": 10,
        "high_minutes": 60,
        "medium_minutes": None,
        "low_minutes": None,
        "chain": "clinician_first",
    }
    response = api_as(cast.admin).put(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"program": cast.program.id, **body}
    for who in (cast.clinician, cast.coordinator, cast.outsider):
        assert api_as(who).put(url, body, format="json").status_code == 404
    assert api_as(cast.clinician).get("/api/v1/escalation-policies/").status_code == 403
    listed = api_as(cast.admin).get("/api/v1/escalation-policies/").json()
    assert [row["program"] for row in listed["results"]] == [cast.program.id]


def test_an_open_critical_alert_follows_a_shorter_window_at_once(cast, raise_alert):
    with time_machine.travel(T0, tick=False):
        alert = raise_alert(severity="critical")
        escalation_policy_update(
            actor=cast.admin,
            program=cast.program,
            critical_minutes=5,
            high_minutes=None,
            medium_minutes=None,
            low_minutes=None,
        )
    assert Alert.objects.get(pk=alert.pk).escalation_due_at == T0 + timedelta(minutes=5)


def test_the_alert_page_names_who_was_told_at_each_step(client, cast, raise_alert):
    with time_machine.travel(T0, tick=False) as clock:
        alert = raise_alert(severity="critical")
        clock.shift(timedelta(minutes=15))
        alerts_escalate_overdue()
    client.force_login(cast.admin)
    html = client.get(reverse("alerts:detail", args=[alert.id])).content.decode()
    assert f"Told: {cast.clinician.get_full_name()}, {cast.coordinator.get_full_name()}" in html
    assert f"Told: {cast.admin.get_full_name()}" in html
