"""The demo's stages agree on who is where: care decides (IOP, aftercare, planned) and the later
apps follow, so a client in IOP is never also in aftercare and the demo login stays in IOP."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from recoverypath.aftercare.models import AftercarePlan
from recoverypath.alerts.models import Alert
from recoverypath.care.models import EpisodeOfCare
from recoverypath.clients.models import Client
from recoverypath.discharge.models import DischargePlan, Referral
from recoverypath.monitoring.models import CheckIn, Lapse
from recoverypath.scheduling.models import GroupEnrollment

TODAY = "2026-03-02 15:00:00+00:00"
OPEN = AftercarePlan.OPEN_STATUSES


class _Rollback(Exception):
    pass


def _active(level: str) -> set[int]:
    return set(
        EpisodeOfCare.objects.filter(status="active", level_code=level).values_list(
            "client_id", flat=True
        )
    )


def _cohort() -> dict[str, tuple]:
    return {
        c.mrn: (
            tuple(c.episodes.order_by("id").values_list("level_code", "status", "start_date")),
            tuple(c.aftercare_plans.values_list("start_date", "end_date", "status")),
            c.check_ins.count(),
            tuple(c.discharge_plans.values_list("status", "target_graduation_date")),
        )
        for c in Client.objects.order_by("mrn")
    }


@pytest.fixture
def demo():
    with time_machine.travel(TODAY, tick=False):
        call_command("demo", clients=40, seed=2, stdout=StringIO())
        yield Client.objects.get(user__email="client.2@demo.example.org")


@pytest.mark.django_db
def test_iop_and_aftercare_do_not_overlap_and_every_aftercare_client_has_a_plan(demo):
    iop, aftercare = _active("2.1"), _active("aftercare")
    plans = list(AftercarePlan.objects.filter(status__in=OPEN))
    in_plans = {p.client_id for p in plans}
    assert len(aftercare) >= 8  # a believable caseload for the coordinator
    assert not iop & aftercare
    assert not iop & in_plans
    assert in_plans == aftercare
    starts = dict(
        EpisodeOfCare.objects.filter(status="active", level_code="aftercare").values_list(
            "client_id", "start_date"
        )
    )
    for plan in plans:
        assert plan.start_date == starts[plan.client_id]
        assert plan.end_date > plan.start_date


@pytest.mark.django_db
def test_the_demo_login_is_in_iop_with_an_open_discharge_plan_and_no_aftercare_plan(demo):
    assert demo.id in _active("2.1")
    assert DischargePlan.objects.filter(client=demo, status="open").exists()
    assert not AftercarePlan.objects.filter(client=demo).exists()
    assert GroupEnrollment.objects.filter(client=demo, status="active").exists()
    assert CheckIn.objects.filter(client=demo).exists()


@pytest.mark.django_db
def test_check_ins_discharge_plans_and_alerts_follow_the_cohort(demo):
    iop, aftercare = _active("2.1"), _active("aftercare")
    checking_in = set(CheckIn.objects.values_list("client_id", flat=True))
    assert aftercare <= checking_in
    assert checking_in & iop  # IOP clients check in daily too
    assert checking_in <= iop | aftercare
    first_episode = {}
    for client_id, start in EpisodeOfCare.objects.values_list("client_id", "start_date"):
        first_episode[client_id] = min(start, first_episode.get(client_id, start))
    for client_id, day in CheckIn.objects.values_list("client_id", "date"):
        assert day >= first_episode[client_id]
    for lapse in Lapse.objects.select_related("client", "check_in"):
        assert lapse.check_in is not None and lapse.check_in.used
        assert lapse.client.sobriety_date is None or lapse.client.sobriety_date < lapse.date

    open_plans = set(
        DischargePlan.objects.filter(status="open").values_list("client_id", flat=True)
    )
    graduated = list(DischargePlan.objects.filter(status="graduated"))
    assert open_plans == iop
    assert {p.client_id for p in graduated} == aftercare
    for referral in Referral.objects.filter(plan__in=graduated, attended_on__isnull=False):
        assert 0 <= (referral.attended_on - referral.plan.last_iop_session_on).days <= 20

    for alert in Alert.objects.filter(dedup_key__startswith="demo:"):
        if alert.kind.startswith("aftercare."):
            assert alert.client_id in aftercare, alert.kind
        if alert.kind.startswith("attendance."):
            assert alert.client_id in iop, alert.kind


@pytest.mark.django_db
def test_the_cohort_is_the_same_for_the_same_seed():
    def build() -> dict:
        # PostgreSQL does not roll sequences back: start each build from the ids the rows left
        # (as SQLite does, and as `demo` on a fresh database does), so both builds get the same.
        reset = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        with connection.cursor() as cursor:
            for statement in reset:
                cursor.execute(statement)
        captured = {}
        with time_machine.travel(TODAY, tick=False):
            try:
                with transaction.atomic():
                    call_command("demo", clients=20, seed=9, stdout=StringIO())
                    captured["cohort"] = _cohort()
                    raise _Rollback
            except _Rollback:
                pass
        return captured["cohort"]

    assert build() == build()


@pytest.mark.django_db
def test_demo_graduates_attended_sessions_during_their_episode_and_summaries_count_them(demo):
    from recoverypath.discharge.models import DischargeSummary
    from recoverypath.scheduling.models import Attendance

    graduates = DischargePlan.objects.filter(status="graduated").select_related("episode")
    assert graduates.exists()
    for plan in graduates:
        days = {
            a.session.starts_at.date()
            for a in Attendance.objects.filter(client_id=plan.client_id).select_related("session")
        }
        assert days, plan.client_id
        assert min(days) >= plan.episode.start_date - timedelta(days=1)
    summaries = list(DischargeSummary.objects.all())
    assert summaries
    assert all(s.content["attendance"]["attended"] > 0 for s in summaries)
    assert all(s.content["attendance"]["hours"] >= 9 for s in summaries)


@pytest.mark.django_db
def test_the_demo_has_video_appointments_with_fictional_links_and_tagged_groups(demo):
    from recoverypath.aftercare.models import CoordinatorCheckIn, ExternalProvider, PlanComponent
    from recoverypath.scheduling.models import Group, Session

    fictional = "https://video.example.test/room/"
    video_referrals = Referral.objects.filter(appointment_modality="video")
    assert video_referrals.exists()
    assert all(r.join_url.startswith(fictional) for r in video_referrals)
    video_check_ins = CoordinatorCheckIn.objects.filter(modality="video")
    assert video_check_ins.exists()
    assert all(c.join_url.startswith(fictional) for c in video_check_ins)
    assert Session.objects.filter(client=demo, modality="video").exists()
    assert all(
        s.telehealth_url.startswith(fictional) for s in Session.objects.filter(modality="video")
    )
    assert any("video" in p.modalities for p in ExternalProvider.objects.all())
    assert any(g.tags == ["women", "in_person"] for g in Group.objects.all())
    assert any("lgbtq" in c.tags for c in PlanComponent.objects.filter(kind="support_group"))


@pytest.mark.django_db
def test_the_dashboards_stored_risk_matches_the_demo_alerts(demo):
    from recoverypath.earlywarning.risk import caseload_risk_refresh

    stored = dict(AftercarePlan.objects.values_list("id", "risk_rank"))
    assert any(rank < 9 for rank in stored.values())
    caseload_risk_refresh(client_ids=None)
    assert dict(AftercarePlan.objects.values_list("id", "risk_rank")) == stored
