"""alert_raise: the one way in. Idempotent on the key, in the caller's transaction, notices
after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from recoverypath.alerts.models import Alert, AlertEvent
from recoverypath.alerts.services import alert_resolve, raising
from recoverypath.core.models import AuditEvent
from recoverypath.notifications.models import Notification


def test_raising_the_same_alert_twice_gives_one_alert(cast, raise_alert):
    first = raise_alert(dedup_key="attendance:streak:1:9", reason="Two absences.")
    second = raise_alert(dedup_key="attendance:streak:1:9", reason="Three absences now.")
    assert first.id == second.id
    assert Alert.objects.count() == 1
    alert = Alert.objects.get()
    assert alert.reason == "Three absences now."
    assert alert.raise_count == 2
    assert list(alert.events.values_list("kind", flat=True)) == ["raised", "re_raised"]


def test_raising_again_after_resolution_opens_a_new_alert(cast, raise_alert):
    first = raise_alert(dedup_key="k")
    alert_resolve(actor=cast.coordinator, alert=first, note="Called the client.")
    second = raise_alert(dedup_key="k")
    assert second.id != first.id
    assert Alert.objects.filter(status="open").count() == 1


def test_the_same_key_for_another_client_is_another_alert(cast, raise_alert):
    raise_alert(dedup_key="same")
    raise_alert(dedup_key="same", client=cast.other_program_client)
    assert Alert.objects.count() == 2


def test_a_concurrent_raise_that_loses_the_insert_race_updates_the_winner(
    cast, raise_alert, monkeypatch
):
    winner = raise_alert(dedup_key="race")
    real = raising._unresolved
    calls = {"n": 0}

    def blind_first_look(**kwargs):
        # The loser's first look happens before the winner commits: it sees nothing.
        calls["n"] += 1
        return None if calls["n"] == 1 else real(**kwargs)

    monkeypatch.setattr(raising, "_unresolved", blind_first_look)
    loser = raise_alert(dedup_key="race", reason="Seen by a second worker.")
    assert loser.id == winner.id
    assert Alert.objects.count() == 1
    assert Alert.objects.get().raise_count == 2


def test_raising_again_never_lowers_severity_but_raises_it(cast, raise_alert):
    raise_alert(dedup_key="k", severity="high")
    alert = raise_alert(dedup_key="k", severity="low")
    assert alert.severity == "high"
    alert = raise_alert(dedup_key="k", severity="critical")
    assert alert.severity == "critical"
    assert "Severity raised from high" in alert.events.last().note


def test_it_runs_in_the_callers_transaction(cast, raise_alert):
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_alert(dedup_key="rolled-back")
        raise RuntimeError("the caller's own write failed")
    assert not Alert.objects.exists()
    assert not Notification.objects.exists()


def test_notices_go_out_only_after_commit(cast, raise_alert, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        raise_alert(severity="high")
        assert len(mail.outbox) == 0
    assert callbacks
    # The first step of the chain: the client's primary clinician and coordinator together.
    assert sorted(m.to[0] for m in mail.outbox) == [cast.clinician.email, cast.coordinator.email]
    assert mail.outbox[0].body.startswith("You have a new alert in RecoveryPath: ")
    assert "Juniper" not in mail.outbox[0].body


def test_a_critical_alert_goes_to_the_care_team_at_once_and_the_admins_only_by_paging(
    cast, raise_alert, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_alert(severity="critical", kind="safety.phq9_item9")
    told = {m.to[0] for m in mail.outbox}
    assert told == {cast.clinician.email, cast.coordinator.email}
    assert Notification.objects.filter(critical=True).count() == 4  # e-mail + in-app, each
    event = alert.events.get()
    assert set(event.notified) == {cast.clinician.id, cast.coordinator.id}
    assert not Notification.objects.filter(recipient=cast.admin).exists()


def test_raising_records_an_audit_event(cast, raise_alert):
    alert = raise_alert()
    event = AuditEvent.objects.get(object_type="alerts.alert", action="create")
    assert event.client_id == cast.client.id
    assert event.object_id == str(alert.id)


def test_it_links_the_source(cast, raise_alert):
    alert = raise_alert(source=cast.client, source_url="/clients/1/")
    assert (alert.source_type, alert.source_id) == ("clients.client", str(cast.client.id))
    assert alert.source_url == "/clients/1/"


@pytest.mark.parametrize(
    ("field", "value"),
    [("severity", "urgent"), ("kind", ""), ("dedup_key", ""), ("reason", "   ")],
)
def test_it_refuses_a_malformed_signal(cast, raise_alert, field, value):
    with pytest.raises(ValidationError) as info:
        raise_alert(**{field: value})
    assert field in info.value.message_dict
    assert not AlertEvent.objects.exists()
