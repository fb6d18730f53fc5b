"""What staff do with an alert: acknowledge, assign, resolve; each step recorded and audited."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from recoverypath.alerts.models import Alert
from recoverypath.alerts.services import (
    alert_acknowledge,
    alert_acknowledge_many,
    alert_assign,
    alert_resolve,
)
from recoverypath.core.errors import ConflictError
from recoverypath.core.models import AuditEvent


def test_acknowledging_records_who_and_when(cast, raise_alert):
    alert = alert_acknowledge(actor=cast.coordinator, alert=raise_alert())
    assert alert.status == Alert.Status.ACKNOWLEDGED
    assert alert.acknowledged_by == cast.coordinator
    assert alert.acknowledged_at is not None
    assert alert.events.last().kind == "acknowledged"
    assert AuditEvent.objects.filter(action="update", object_id=str(alert.id)).exists()


def test_an_alert_cannot_be_acknowledged_twice(cast, raise_alert):
    alert = alert_acknowledge(actor=cast.coordinator, alert=raise_alert())
    with pytest.raises(ConflictError):
        alert_acknowledge(actor=cast.clinician, alert=alert)


def test_resolving_needs_a_note(cast, raise_alert):
    alert = raise_alert()
    with pytest.raises(ValidationError) as info:
        alert_resolve(actor=cast.coordinator, alert=alert, note="  ")
    assert "note" in info.value.message_dict
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN


def test_resolving_with_a_note_closes_the_alert(cast, raise_alert):
    alert = alert_resolve(actor=cast.clinician, alert=raise_alert(), note="Called; safe.")
    assert alert.status == Alert.Status.RESOLVED
    assert (alert.resolved_by, alert.resolution_note) == (cast.clinician, "Called; safe.")
    assert alert.events.last().note == "Called; safe."
    with pytest.raises(ConflictError):
        alert_resolve(actor=cast.clinician, alert=alert, note="again")
    with pytest.raises(ConflictError):
        alert_acknowledge(actor=cast.clinician, alert=alert)


def test_assigning_tells_the_new_assignee(cast, raise_alert):
    alert = raise_alert()
    mail.outbox.clear()
    alert = alert_assign(actor=cast.coordinator, alert=alert, assignee=cast.clinician)
    assert alert.assignee == cast.clinician
    assert alert.events.last().kind == "assigned"
    assert alert.events.last().notified == [cast.clinician.id]


@pytest.mark.parametrize(
    "who", ["front_desk", "other_program_clinician", "outsider", "client_user"]
)
def test_an_alert_cannot_be_assigned_to_someone_outside_the_care_roles(cast, raise_alert, who):
    with pytest.raises(ValidationError):
        alert_assign(actor=cast.coordinator, alert=raise_alert(), assignee=getattr(cast, who))


@pytest.mark.parametrize(
    "who", ["front_desk", "other_program_clinician", "outsider", "client_user"]
)
def test_only_the_care_roles_of_the_program_act_on_alerts(cast, raise_alert, who):
    alert = raise_alert()
    actor = getattr(cast, who)
    with pytest.raises(PermissionDenied):
        alert_acknowledge(actor=actor, alert=alert)
    with pytest.raises(PermissionDenied):
        alert_resolve(actor=actor, alert=alert, note="x")
    with pytest.raises(PermissionDenied):
        alert_assign(actor=actor, alert=alert, assignee=cast.clinician)


def test_bulk_acknowledge_skips_what_it_may_not_touch(cast, raise_alert):
    mine = [raise_alert(), raise_alert()]
    done_already = alert_acknowledge(actor=cast.clinician, alert=raise_alert())
    elsewhere = raise_alert(client=cast.other_program_client)
    count = alert_acknowledge_many(actor=cast.coordinator, alerts=[*mine, done_already, elsewhere])
    assert count == 2
    elsewhere.refresh_from_db()
    assert elsewhere.status == Alert.Status.OPEN
