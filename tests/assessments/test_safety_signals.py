"""Every safety screen is its own signal and reaches the treating team (issue 10, a and e)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from recoverypath.alerts.models import Alert
from recoverypath.core.todo import todo_list
from recoverypath.notifications.models import Notification
from tests.conftest import api_as

MODERATE = [True, True, True, False, False, False, None]
HIGH = [True, True, True, True, True, False, None]
LOW = [True, True, False, False, False, False, None]


def _submit(user, client, answers):
    return api_as(user).post(
        "/api/v1/assessments/",
        {"client": client.id, "instrument": "C-SSRS-SCREEN", "answers": answers},
        format="json",
    )


# (a) ------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_high_cssrs_after_an_acknowledged_moderate_one_pages_the_clinician_and_coordinator(
    cast,
):
    assert _submit(cast.clinician, cast.client, MODERATE).status_code == 201
    moderate = Alert.objects.get(client=cast.client)
    assert moderate.severity == "high"
    ack = api_as(cast.coordinator).post(f"/api/v1/alerts/{moderate.id}/acknowledge/")
    assert ack.status_code == 200
    mail.outbox.clear()
    Notification.objects.all().delete()

    # transaction=True: the request commits for real, and the notices are delivered by the
    # on-commit hook before the response comes back.
    assert _submit(cast.clinician, cast.client, HIGH).status_code == 201

    high = Alert.objects.exclude(pk=moderate.pk).get(client=cast.client)
    assert (high.severity, high.status) == ("critical", "open")
    assert high.escalation_due_at is not None
    assert Alert.objects.get(pk=moderate.pk).status == "acknowledged"
    assert sorted(m.to[0] for m in mail.outbox) == [cast.clinician.email, cast.coordinator.email]
    sent = Notification.objects.filter(source_id=str(high.id), channel="email")
    assert {(n.recipient_id, n.critical, n.status) for n in sent} == {
        (cast.clinician.id, True, "sent"),
        (cast.coordinator.id, True, "sent"),
    }


@pytest.mark.django_db
def test_the_same_screen_twice_is_two_signals_but_one_screen_is_one(cast):
    for _ in range(2):
        assert _submit(cast.client_user, cast.client, MODERATE).status_code == 201
    alerts = Alert.objects.filter(client=cast.client)
    assert alerts.count() == 2
    assert {a.events.count() for a in alerts} == {1}


# (e) ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_low_risk_cssrs_raises_a_medium_alert_and_a_review_todo_for_the_clinician(cast):
    response = _submit(cast.clinician, cast.client, LOW)
    assert response.status_code == 201
    alert = Alert.objects.get(client=cast.client)
    assert (alert.kind, alert.severity) == ("safety.cssrs_low", "medium")
    assert "within 72 hours" in alert.reason
    items = [i for i in todo_list(user=cast.clinician) if i.kind == "assessments.cssrs_low_review"]
    assert [(i.client_name, i.due) for i in items] == [
        (cast.client.display_name, alert.raised_at + timedelta(hours=72))
    ]
    assert not [
        i for i in todo_list(user=cast.coordinator) if i.kind == "assessments.cssrs_low_review"
    ]
    assert not [
        i
        for i in todo_list(user=cast.other_program_clinician)
        if i.kind == "assessments.cssrs_low_review"
    ]
    # Resolving the alert (the review done) takes it off the list.
    api_as(cast.clinician).post(
        f"/api/v1/alerts/{alert.id}/resolve/", {"note": "Reviewed with the client."}
    )
    assert not [
        i for i in todo_list(user=cast.clinician) if i.kind == "assessments.cssrs_low_review"
    ]


@pytest.mark.django_db
def test_the_result_screen_shows_crisis_resources_for_moderate_and_high_only(client, cast):
    from recoverypath.assessments.models import Assessment

    client.force_login(cast.client_user)
    for answers, shown in ((LOW, False), (MODERATE, True), (HIGH, True)):
        _submit(cast.client_user, cast.client, answers)
        latest = Assessment.objects.latest("id")
        page = client.get(f"/me/assessments/results/{latest.id}/").content.decode()
        assert ('data-testid="crisis-resources"' in page) is shown, answers
