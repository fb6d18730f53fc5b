"""Schedules: what is due at intake, every 14 days in IOP, monthly in aftercare."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from recoverypath.assessments import selectors, services
from recoverypath.assessments.models import ScheduleRule
from recoverypath.care.models import EpisodeOfCare


def due_codes(client):
    return {d.instrument.code: d.reason for d in selectors.assessments_due(client=client)}


@pytest.mark.django_db
def test_everything_but_the_cssrs_trigger_is_due_at_intake(cast):
    assert due_codes(cast.client) == {
        "PHQ-9": "at intake",
        "GAD-7": "at intake",
        "AUDIT-C": "at intake",
        "DAST-10": "at intake",
        "BAM": "at intake",
        "BARC-10": "at intake",
        "C-SSRS-SCREEN": "at intake",
    }


@pytest.mark.django_db
def test_phq9_is_due_again_14_days_later_in_iop(cast, make_assessment):
    make_assessment(cast.client, "PHQ-9", days_ago=13)
    assert "PHQ-9" not in due_codes(cast.client)
    cast.client.assessments.all().delete()
    make_assessment(cast.client, "PHQ-9", days_ago=14)
    assert due_codes(cast.client)["PHQ-9"] == "every 14 days"


@pytest.mark.django_db
def test_intake_only_instruments_are_not_due_again(cast, make_assessment):
    make_assessment(cast.client, "AUDIT-C", total=0, band="negative", days_ago=200)
    make_assessment(cast.client, "DAST-10", total=1, band="low", days_ago=200)
    due = due_codes(cast.client)
    assert "AUDIT-C" not in due and "DAST-10" not in due


@pytest.mark.django_db
def test_in_aftercare_phq9_is_due_monthly(cast, make_assessment):
    EpisodeOfCare.objects.create(
        client=cast.client,
        program=cast.program,
        level_code="aftercare",
        status="active",
        start_date=timezone.localdate() - timedelta(days=60),
    )
    make_assessment(cast.client, "PHQ-9", days_ago=20)
    assert "PHQ-9" not in due_codes(cast.client)
    cast.client.assessments.all().delete()
    make_assessment(cast.client, "PHQ-9", days_ago=30)
    assert due_codes(cast.client)["PHQ-9"] == "every 30 days"


@pytest.mark.django_db
def test_a_programs_own_rules_replace_the_defaults(cast, make_assessment):
    services.schedule_rule_save(
        actor=cast.admin,
        program=cast.program,
        instrument="PHQ-9",
        at_intake=True,
        iop_every_days=7,
        aftercare_every_days=None,
        after_safety_positive=False,
    )
    assert ScheduleRule.objects.filter(program=cast.program).count() == 7
    make_assessment(cast.client, "PHQ-9", days_ago=7)
    assert due_codes(cast.client)["PHQ-9"] == "every 7 days"


@pytest.mark.django_db
def test_only_program_admins_change_schedules(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.schedule_rule_save(
            actor=cast.clinician,
            program=cast.program,
            instrument="PHQ-9",
            at_intake=True,
            iop_every_days=7,
            aftercare_every_days=None,
            after_safety_positive=False,
        )


@pytest.mark.django_db
def test_what_is_due_takes_a_fixed_number_of_queries(
    cast, make_assessment, django_assert_num_queries
):
    for code in ("PHQ-9", "GAD-7", "BAM"):
        make_assessment(cast.client, code, days_ago=20)
    with django_assert_num_queries(4):
        selectors.assessments_due(client=cast.client)


@pytest.mark.django_db
def test_starting_an_episode_reminds_the_client_of_what_is_due(cast):
    from recoverypath.care.signals import episode_started
    from recoverypath.notifications.models import Reminder

    episode = EpisodeOfCare.objects.create(
        client=cast.client,
        program=cast.program,
        level_code="2.1",
        status="active",
        start_date=timezone.localdate(),
    )
    episode_started.send(sender=EpisodeOfCare, episode=episode)
    reminder = Reminder.objects.get(recipient=cast.client_user)
    assert reminder.dedup_key == f"assessments:due:{cast.client.id}:intake"
    assert reminder.context["instrument"].startswith("PHQ-9, GAD-7")


@pytest.mark.django_db
def test_the_30_day_bam_is_due_28_days_apart_so_recall_windows_do_not_overlap(
    cast, make_assessment
):
    make_assessment(cast.client, "BAM", total=None, band="", days_ago=27)
    assert "BAM" not in due_codes(cast.client)
    cast.client.assessments.all().delete()
    taken = make_assessment(cast.client, "BAM", total=None, band="", days_ago=28)
    assert due_codes(cast.client)["BAM"] == "every 28 days"
    taken_on = timezone.localtime(taken.administered_at).date()
    next_on = selectors.next_due_on(client=cast.client, instrument="BAM", taken_on=taken_on)
    assert next_on - taken_on == timedelta(days=28)


@pytest.mark.django_db
def test_a_program_cannot_schedule_the_bam_more_often_than_every_28_days(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.schedule_rule_save(
            actor=cast.admin,
            program=cast.program,
            instrument="BAM",
            at_intake=True,
            iop_every_days=14,
            aftercare_every_days=30,
            after_safety_positive=False,
        )
    assert "28 days or more" in exc.value.message_dict["iop_every_days"][0]


@pytest.mark.django_db
def test_an_older_14_day_bam_rule_still_waits_28_days(cast, make_assessment):
    ScheduleRule.objects.create(program=cast.program, instrument="BAM", iop_every_days=14)
    make_assessment(cast.client, "BAM", total=None, band="", days_ago=14)
    assert "BAM" not in due_codes(cast.client)
