"""The alert page: see it, acknowledge, assign, resolve with a note; the client page history."""

from __future__ import annotations

from django.urls import reverse

from recoverypath.alerts.models import Alert, EscalationPolicy
from recoverypath.core.models import AuditEvent


def test_the_alert_page_shows_the_reason_and_history_and_is_audited(client, cast, raise_alert):
    alert = raise_alert(reason="No check-in for 3 days.")
    client.force_login(cast.clinician)
    response = client.get(reverse("alerts:detail", args=[alert.id]))
    assert response.status_code == 200
    assert b"No check-in for 3 days." in response.content
    assert b"Raised" in response.content
    assert AuditEvent.objects.filter(action="read", object_id=str(alert.id)).exists()


def test_acknowledge_assign_and_resolve_through_the_page(client, cast, raise_alert):
    alert = raise_alert()
    client.force_login(cast.coordinator)
    client.post(reverse("alerts:acknowledge", args=[alert.id]))
    client.post(reverse("alerts:assign", args=[alert.id]), {"assignee": cast.clinician.id})
    response = client.post(
        reverse("alerts:resolve", args=[alert.id]), {"note": "Spoke with the client."}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert alert.assignee == cast.clinician
    assert [e.kind for e in alert.events.all()] == [
        "raised",
        "acknowledged",
        "assigned",
        "resolved",
    ]


def test_resolving_without_a_note_shows_the_error_on_the_form(client, cast, raise_alert):
    alert = raise_alert()
    client.force_login(cast.coordinator)
    response = client.post(reverse("alerts:resolve", args=[alert.id]), {"note": ""})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_assigning_to_a_stranger_is_refused_on_the_form(client, cast, raise_alert):
    alert = raise_alert()
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("alerts:assign", args=[alert.id]), {"assignee": cast.outsider.id}
    )
    assert response.status_code == 400
    assert Alert.objects.get(pk=alert.pk).assignee is None


def test_acknowledging_a_resolved_alert_says_so_instead_of_failing(client, cast, raise_alert):
    alert = raise_alert()
    client.force_login(cast.coordinator)
    client.post(reverse("alerts:resolve", args=[alert.id]), {"note": "done"})
    response = client.post(reverse("alerts:acknowledge", args=[alert.id]), follow=True)
    assert response.status_code == 200
    assert b"cannot be acknowledged" in response.content


def test_the_client_page_shows_the_clients_alert_history(client, cast, raise_alert):
    alert = raise_alert(kind="monitoring.no_checkin")
    client.force_login(cast.coordinator)
    client.post(reverse("alerts:resolve", args=[alert.id]), {"note": "Called; phone was lost."})
    response = client.get(reverse("clients:detail", args=[cast.client.id]))
    assert b"client-alerts-h" in response.content
    assert b"No checkin" in response.content
    assert b"Called; phone was lost." in response.content


def test_front_desk_sees_no_alert_history_on_the_client_page(client, cast, raise_alert):
    raise_alert()
    client.force_login(cast.front_desk)
    response = client.get(reverse("clients:detail", args=[cast.client.id]))
    assert response.status_code == 200
    assert b"client-alerts-h" not in response.content


def test_program_admins_edit_the_escalation_policy(client, cast):
    client.force_login(cast.admin)
    url = reverse("alerts:policy_edit", args=[cast.program.id])
    assert client.get(reverse("alerts:policies")).status_code == 200
    response = client.post(
        url,
        {"critical_minutes": "10", "high_minutes": "120", "medium_minutes": "", "low_minutes": ""},
    )
    assert response.status_code == 302
    policy = cast.program.escalation_policy
    assert (policy.critical_minutes, policy.high_minutes, policy.medium_minutes) == (10, 120, None)


def test_a_zero_minute_window_is_refused(client, cast):
    client.force_login(cast.admin)
    url = reverse("alerts:policy_edit", args=[cast.program.id])
    response = client.post(url, {"critical_minutes": "0", "high_minutes": "120"})
    assert response.status_code == 200
    assert not EscalationPolicy.objects.exists()


def test_the_escalation_policy_list_loads_in_a_fixed_number_of_queries(
    client, cast, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from recoverypath.accounts.models import Membership
    from recoverypath.alerts.services import escalation_policy_update

    client.force_login(cast.admin)
    url = reverse("alerts:policies")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    Membership.objects.create(user=cast.admin, program=cast.other_program, role="admin")
    escalation_policy_update(
        actor=cast.admin,
        program=cast.other_program,
        critical_minutes=5,
        high_minutes=None,
        medium_minutes=None,
        low_minutes=None,
    )
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    rows = response.context["rows"]
    assert {p.id: policy.critical_minutes for p, policy in rows} == {
        cast.program.id: 15,
        cast.other_program.id: 5,
    }
    assert [p.name for p, _ in rows] == sorted(p.name for p, _ in rows)
