from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recoverypath.aftercare.models import ComponentContact
from recoverypath.care.models import EpisodeOfCare
from recoverypath.clients.models import Client
from recoverypath.core.timezones import local_today
from recoverypath.discharge import services
from recoverypath.discharge.models import DischargePlan, Referral
from recoverypath.discharge.selectors import gap_for_plan, gap_report
from tests.conftest import api_as

from .conftest import appointment_at, complete_checklist

pytestmark = pytest.mark.django_db
TODAY = local_today("America/New_York")


def make_graduates(cast, provider, count: int, *, start_index: int = 0) -> list[DischargePlan]:
    """`count` graduates in bulk: a third reached aftercare in 3 days (referral attended), a third
    in 12 days (aftercare component attended), a third not yet."""
    program = cast.program
    clients = Client.objects.bulk_create(
        Client(
            organization=program.organization,
            program=program,
            mrn=f"G{start_index + i:05d}",
            first_name=f"Graduate{start_index + i}",
            last_name="Fictional",
            date_of_birth=date(1988, 1, 1),
        )
        for i in range(count)
    )
    episodes = EpisodeOfCare.objects.bulk_create(
        EpisodeOfCare(
            client=c,
            program=program,
            level_code="2.1",
            status="finished",
            start_date=TODAY - timedelta(days=100),
            end_date=TODAY - timedelta(days=40),
            end_reason="completed",
        )
        for c in clients
    )
    graduated_on = TODAY - timedelta(days=40)
    plans = DischargePlan.objects.bulk_create(
        DischargePlan(
            organization=program.organization,
            program=program,
            client=c,
            episode=e,
            owner=cast.clinician,
            target_graduation_date=graduated_on,
            status="graduated",
            graduated_on=graduated_on,
            graduated_at=timezone.now() - timedelta(days=40),
            last_iop_session_on=graduated_on - timedelta(days=1),
        )
        for c, e in zip(clients, episodes, strict=True)
    )
    Referral.objects.bulk_create(
        Referral(
            organization=program.organization,
            client=c,
            provider=provider,
            status="attended",
            sent_at=timezone.now() - timedelta(days=50),
            appointment_at=appointment_at(graduated_on + timedelta(days=2)),
            attended_on=graduated_on + timedelta(days=2),
        )
        for c in clients[0::3]
    )
    from recoverypath.aftercare.models import AftercarePlan, PlanComponent

    aftercare = AftercarePlan.objects.bulk_create(
        AftercarePlan(
            client=c,
            program=program,
            start_date=graduated_on,
            end_date=graduated_on + timedelta(days=90),
        )
        for c in clients[1::3]
    )
    components = PlanComponent.objects.bulk_create(
        PlanComponent(plan=a, kind="therapy", title="Weekly therapy") for a in aftercare
    )
    ComponentContact.objects.bulk_create(
        ComponentContact(component=comp, date=graduated_on + timedelta(days=11), attended=True)
        for comp in components
    )
    return plans


def test_the_gap_is_days_from_last_iop_session_to_first_aftercare_contact(cast, provider):
    make_graduates(cast, provider, 3)
    report = gap_report(user=cast.coordinator, program_id=cast.program.id)
    gaps = {row.client.first_name: row.gap_days for row in report.rows}
    assert gaps == {"Graduate0": 3, "Graduate1": 12, "Graduate2": None}
    flagged = {row.client.first_name for row in report.rows if row.flagged}
    assert flagged == {"Graduate1", "Graduate2"}
    assert report.no_contact == 1
    assert report.within_target == 1
    assert report.median_gap == 7.5
    assert report.rows[0].client.first_name == "Graduate2"  # no contact first, then worst gap


def test_the_gap_report_for_500_graduates_runs_a_fixed_number_of_queries(cast, provider):
    from recoverypath.accounts.models import User

    make_graduates(cast, provider, 5)
    user = User.objects.get(pk=cast.coordinator.pk)  # a fresh request's user: no cached roles
    with CaptureQueriesContext(connection) as few:
        small = gap_report(user=user, program_id=cast.program.id)
    make_graduates(cast, provider, 495, start_index=5)
    user = User.objects.get(pk=cast.coordinator.pk)
    with CaptureQueriesContext(connection) as many:
        big = gap_report(user=user, program_id=cast.program.id)
    assert small.graduates == 5
    assert big.graduates == 500
    assert len(many.captured_queries) == len(few.captured_queries) <= 3


def test_the_gap_report_page_for_500_graduates_runs_a_fixed_number_of_queries(
    cast, provider, client
):
    client.force_login(cast.coordinator)
    make_graduates(cast, provider, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/discharge/report/gap/").status_code == 200
    make_graduates(cast, provider, 495, start_index=5)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/discharge/report/gap/")
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    page = response.content.decode()
    assert "Graduates</dt><dd>500</dd>" in page
    assert "Page 1 of 10" in page


def test_a_contact_before_graduation_does_not_count(cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator,
        client=cast.client,
        provider=provider,
        appointment_at=appointment_at(TODAY - timedelta(days=3)),
    )
    services.referral_transition(actor=cast.coordinator, referral=referral, to="attended")
    services.discharge_graduate(actor=cast.clinician, plan=plan, override_reason="Moved away")
    plan.refresh_from_db()
    row = gap_for_plan(plan=plan)
    assert row.first_aftercare_contact_on is None
    assert row.flagged


def test_graduation_then_an_attended_first_appointment_gives_the_gap(cast, plan, provider):
    complete_checklist(plan, cast, provider)
    services.discharge_graduate(actor=cast.clinician, plan=plan)
    plan.refresh_from_db()
    referral = cast.client.referrals.get()
    services.referral_transition(
        actor=cast.coordinator, referral=referral, to="attended", attended_on=TODAY
    )
    row = gap_for_plan(plan=plan)
    assert row.first_aftercare_contact_on == TODAY
    # No attendance recorded in scheduling: the last IOP day falls back to graduation day.
    assert row.gap_days == 0


@pytest.mark.parametrize("who", ["front_desk", "other_program_clinician", "outsider"])
def test_only_coordinators_and_above_of_the_program_see_the_gap_report(cast, who):
    from django.http import Http404

    with pytest.raises(Http404):
        gap_report(user=getattr(cast, who), program_id=cast.program.id)


def test_the_gap_report_api(cast, provider):
    make_graduates(cast, provider, 3)
    response = api_as(cast.coordinator).get(
        f"/api/v1/discharge-reports/gap/?program={cast.program.id}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["graduates"] == 3
    assert body["flagged"] == 2
    assert {r["gap_days"] for r in body["results"]} == {3, 12, None}
