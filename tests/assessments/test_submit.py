"""Submitting assessments: who may, what is stored, and the safety escalation."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from recoverypath.alerts.models import Alert
from recoverypath.assessments import selectors, services
from recoverypath.assessments.models import Assessment
from recoverypath.care.models import EpisodeOfCare
from recoverypath.core.models import AuditEvent
from recoverypath.notifications.models import Notification, Reminder
from recoverypath.safety.models import SafetyEvent

ITEM9 = [1, 1, 0, 0, 0, 0, 0, 0, 1]  # total 3, item 9 = 1


@pytest.mark.django_db
def test_a_client_submits_for_themself_and_answers_are_stored_as_given(cast):
    answers = [0, 1, 2, 3, 0, 1, 2, 3, 0]
    a = services.assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=answers
    )
    a.refresh_from_db()
    assert a.answers == answers
    assert (a.total, a.band, a.flags, a.subscales) == (12, "moderate", [], {})
    assert a.mode == Assessment.Mode.SELF
    assert a.administered_by == cast.client_user
    assert a.scoring_version == "PHQ-9/1"
    assert AuditEvent.objects.filter(
        action="create", object_type="assessments.assessment", object_id=str(a.id)
    ).exists()


@pytest.mark.django_db
def test_a_clinician_enters_from_paper_with_the_time_it_was_given(cast):
    when = timezone.now() - timedelta(days=2)
    a = services.assessment_submit(
        actor=cast.clinician,
        client=cast.client,
        instrument="GAD-7",
        answers=[1] * 7,
        administered_at=when,
    )
    assert a.mode == Assessment.Mode.STAFF
    assert a.administered_at == when
    assert a.administered_by == cast.clinician


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["coordinator", "front_desk", "other_program_clinician", "outsider"]
)
def test_staff_without_clinical_access_cannot_submit(cast, who):
    with pytest.raises(PermissionDenied):
        services.assessment_submit(
            actor=getattr(cast, who), client=cast.client, instrument="PHQ-9", answers=[0] * 9
        )


@pytest.mark.django_db
def test_a_client_cannot_submit_for_someone_else(cast):
    with pytest.raises(PermissionDenied):
        services.assessment_submit(
            actor=cast.client_user,
            client=cast.other_program_client,
            instrument="PHQ-9",
            answers=[0] * 9,
        )


@pytest.mark.django_db
def test_a_refused_answer_list_stores_nothing(cast):
    with pytest.raises(ValidationError, match="item 4: must be 0-3"):
        services.assessment_submit(
            actor=cast.clinician,
            client=cast.client,
            instrument="PHQ-9",
            answers=[0, 0, 0, 4, 0, 0, 0, 0, 0],
        )
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_a_future_administration_time_is_refused(cast):
    with pytest.raises(ValidationError, match="future"):
        services.assessment_submit(
            actor=cast.clinician,
            client=cast.client,
            instrument="PHQ-9",
            answers=[0] * 9,
            administered_at=timezone.now() + timedelta(days=1),
        )


@pytest.mark.django_db
def test_auditc_is_scored_with_the_clients_sex_assigned_at_birth(cast):
    cast.client.sex_assigned_at_birth = "male"
    cast.client.save()
    a = services.assessment_submit(
        actor=cast.clinician, client=cast.client, instrument="AUDIT-C", answers=[1, 1, 1]
    )
    assert a.band == "negative"
    cast.client.sex_assigned_at_birth = "female"
    cast.client.save()
    b = services.assessment_submit(
        actor=cast.clinician, client=cast.client, instrument="AUDIT-C", answers=[1, 1, 1]
    )
    assert b.band == "positive"


@pytest.mark.django_db
def test_the_assessment_is_filed_in_the_active_episode(cast):
    episode = EpisodeOfCare.objects.create(
        client=cast.client,
        program=cast.program,
        level_code="2.1",
        status="active",
        start_date=timezone.localdate() - timedelta(days=10),
    )
    a = services.assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=[0] * 9
    )
    assert a.episode == episode


# ---- safety escalation ----------
@pytest.mark.django_db(transaction=True)
def test_phq9_item9_of_1_with_total_3_raises_exactly_one_critical_alert(cast):
    a = services.assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=ITEM9
    )
    assert (a.total, a.band, a.flags, a.safety_positive) == (3, "minimal", ["self_harm"], True)
    alerts = list(Alert.objects.filter(client=cast.client))
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.severity == "critical"
    assert alert.kind == "safety.phq9_item9"
    assert alert.source_id == str(a.id)
    assert alert.source_url.endswith(f"/clients/{cast.client.id}/assessments/{a.id}/")


@pytest.mark.django_db(transaction=True)
def test_the_critical_alert_notifies_the_care_team_without_phi_outside_the_app(cast):
    services.assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=ITEM9
    )
    notices = Notification.objects.filter(template="alerts.raised")
    assert notices.exists()
    assert set(notices.values_list("critical", flat=True)) == {True}
    recipients = set(notices.values_list("recipient_id", flat=True))
    assert cast.clinician.id in recipients or cast.admin.id in recipients
    for notice in notices.filter(channel__in=["email", "sms"]):
        assert "PHQ" not in notice.body and "Quillfeather" not in notice.body


@pytest.mark.django_db
def test_a_positive_screen_records_a_safety_event_and_puts_review_on_the_todo(cast):
    from recoverypath.core.todo import todo_list

    a = services.assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=ITEM9
    )
    event = SafetyEvent.objects.get(client=cast.client)
    assert event.kind == "positive_screen"
    assert event.source_id == str(a.id)
    items = [i for i in todo_list(user=cast.clinician) if i.kind == "safety.review_safety_plan"]
    assert [(i.label, i.client_name, i.priority) for i in items] == [
        ("Review safety plan", cast.client.display_name, "urgent")
    ]
    assert not [
        i for i in todo_list(user=cast.other_program_clinician) if i.kind.startswith("safety")
    ]


@pytest.mark.django_db
def test_a_positive_phq9_asks_a_clinician_for_the_cssrs_instead_of_reminding_the_client(
    cast, make_assessment
):
    from recoverypath.core.todo import todo_list

    make_assessment(cast.client, "C-SSRS-SCREEN", total=None, band="none", days_ago=5)
    due = {d.instrument.code for d in selectors.assessments_due(client=cast.client)}
    assert "C-SSRS-SCREEN" not in due
    services.assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=ITEM9
    )
    due = {d.instrument.code: d.reason for d in selectors.assessments_due(client=cast.client)}
    assert due["C-SSRS-SCREEN"] == "after a positive safety screen"
    # No questionnaire is sent back to the client: the clinician administers it.
    assert not Reminder.objects.filter(
        recipient=cast.client_user, dedup_key=f"assessments:due:{cast.client.id}:C-SSRS-SCREEN"
    ).exists()
    asked = [i for i in todo_list(user=cast.clinician) if i.kind == "assessments.cssrs_requested"]
    assert [(i.client_name, i.priority) for i in asked] == [(cast.client.display_name, "urgent")]
    assert asked[0].url == f"/clients/{cast.client.id}/assessments/new/C-SSRS-SCREEN/"
    assert not [
        i for i in todo_list(user=cast.coordinator) if i.kind == "assessments.cssrs_requested"
    ]
    # Once the clinician has administered it, the to-do is gone.
    services.assessment_submit(
        actor=cast.clinician,
        client=cast.client,
        instrument="C-SSRS-SCREEN",
        answers=[False, False, None, None, None, False, None],
    )
    assert not [
        i for i in todo_list(user=cast.clinician) if i.kind == "assessments.cssrs_requested"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "kind", "severity"),
    [
        ([True, True, True, False, False, False, None], "safety.cssrs_positive", "high"),
        ([True, True, False, True, False, False, None], "safety.cssrs_positive", "critical"),
        ([True, False, None, None, None, True, False], "safety.cssrs_positive", "high"),
        ([True, False, None, None, None, True, True], "safety.cssrs_positive", "critical"),
        ([True, True, False, False, False, False, None], "safety.cssrs_low", "medium"),
        ([True, False, None, None, None, False, None], "safety.cssrs_low", "medium"),
    ],
)
def test_cssrs_raises_an_alert_by_risk_level(cast, answers, kind, severity):
    services.assessment_submit(
        actor=cast.clinician, client=cast.client, instrument="C-SSRS-SCREEN", answers=answers
    )
    assert [(a.kind, a.severity) for a in Alert.objects.filter(client=cast.client)] == [
        (kind, severity)
    ]


@pytest.mark.django_db
def test_cssrs_at_no_risk_raises_nothing(cast):
    services.assessment_submit(
        actor=cast.clinician,
        client=cast.client,
        instrument="C-SSRS-SCREEN",
        answers=[False, False, None, None, None, False, None],
    )
    assert not Alert.objects.exists()
    assert not SafetyEvent.objects.exists()


@pytest.mark.django_db
def test_phq9_with_item9_at_0_raises_no_alert(cast):
    services.assessment_submit(
        actor=cast.client_user,
        client=cast.client,
        instrument="PHQ-9",
        answers=[3, 3, 3, 3, 3, 3, 3, 3, 0],
    )
    assert not Alert.objects.exists()
    assert not SafetyEvent.objects.exists()


@pytest.mark.django_db
def test_submitting_schedules_a_reminder_for_the_next_due_date(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a = services.assessment_submit(
            actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=[0] * 9
        )
    reminder = Reminder.objects.get(
        recipient=cast.client_user, dedup_key=f"assessments:due:{cast.client.id}:PHQ-9"
    )
    zone = ZoneInfo(cast.client.time_zone)
    local = reminder.at.astimezone(zone)
    assert local.date() == a.administered_at.astimezone(zone).date() + timedelta(days=14)
    assert local.hour == 9
    assert reminder.template == "assessments.due"
    assert reminder.context["link"] == "/me/assessments/"


@pytest.mark.django_db
def test_a_second_positive_screen_while_the_alert_is_open_is_a_new_alert(cast):
    first = services.assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=ITEM9
    )
    second = services.assessment_submit(
        actor=cast.client_user,
        client=cast.client,
        instrument="PHQ-9",
        answers=[0, 0, 0, 0, 0, 0, 0, 0, 3],
    )
    alerts = list(Alert.objects.filter(client=cast.client).order_by("id"))
    assert [a.source_id for a in alerts] == [str(first.id), str(second.id)]
    assert all(a.raise_count == 1 and a.severity == "critical" for a in alerts)
    assert all(a.events.get().notified for a in alerts)  # each told the care team
    assert SafetyEvent.objects.filter(client=cast.client).count() == 2


@pytest.mark.django_db
def test_no_questionnaire_reminder_when_the_program_switched_them_off(
    cast, django_capture_on_commit_callbacks
):
    from recoverypath.notifications.services import reminder_settings_update, reminders_send_due

    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(
            actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=[0] * 9
        )
    pending = Reminder.objects.get(recipient=cast.client_user)
    reminder_settings_update(
        actor=cast.admin, program=cast.program, changes={"assessment_due": {"enabled": False}}
    )
    # Already scheduled: the worker's last look cancels it at its time.
    with time_machine.travel(pending.at, tick=False):
        assert reminders_send_due() == 0
    pending.refresh_from_db()
    assert pending.status == Reminder.Status.CANCELLED
    # Not scheduled at all from now on.
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(
            actor=cast.client_user, client=cast.client, instrument="GAD-7", answers=[0] * 7
        )
    assert not Reminder.objects.filter(status=Reminder.Status.SCHEDULED).exists()
