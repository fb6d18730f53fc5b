"""Each outcome figure, on a hand-built cohort of ten clients of one program (period January 1
to June 30, 2026), equals the number worked out by hand in the comments below.

Cohort (IOP start -> end; graduated or early; last IOP session; first aftercare contact):
  C0 Jan 5 -> Mar 5 graduated, last session Mar 4, coordinator check-in Mar 9 (5 days);
     aftercare Mar 6 -> open
  C1 Jan 10 -> Mar 20 graduated, last session Mar 19, therapy contact Apr 10 (22 days);
     aftercare Mar 21 -> Apr 30
  C2 Jan 15 -> Feb 1 early, last session Jan 30 (from attendance, not the plan), no contact
  C3 Feb 1 -> Apr 15 graduated, last session Apr 14, referral attended Apr 16 (2 days);
     aftercare Apr 16 -> open
  C4 Feb 10 -> Feb 20 early, no session (anchor: discharge day), check-in Mar 25 (33 days)
  C5 Mar 1 -> open;  C6 Apr 1 -> open;  C7 May 15 -> open;  C8 Jun 15 -> open
  C9 Dec 1, 2025 -> Jan 20 graduated, last session Jan 19, check-in Jan 25 (6 days)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from recoverypath.aftercare.models import (
    AftercarePlan,
    ComponentContact,
    CoordinatorCheckIn,
    ExternalProvider,
    PlanComponent,
)
from recoverypath.assessments.models import Assessment
from recoverypath.care.models import EpisodeOfCare
from recoverypath.discharge.models import DischargePlan, Referral
from recoverypath.monitoring.models import CheckIn, Lapse
from recoverypath.outcomes.figures import DAYS_PER_MONTH
from recoverypath.outcomes.selectors import outcome_report
from recoverypath.scheduling.models import Attendance, Session
from recoverypath.testing.models import Collection, TestSelection
from tests.factories import ClientFactory

START, END = date(2026, 1, 1), date(2026, 6, 30)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)  # noon in New York


@pytest.fixture
def cohort(cast):
    program = cast.program
    clients = [ClientFactory(program=program, first_name=f"C{n}") for n in range(10)]

    def episode(client, start, end=None, level="2.1"):
        return EpisodeOfCare.objects.create(
            client=client,
            program=program,
            level_code=level,
            start_date=start,
            end_date=end,
            status="finished" if end else "active",
        )

    def discharged(client, start, end, graduated, last_session=None):
        ep = episode(client, start, end)
        DischargePlan.objects.create(
            organization=program.organization,
            program=program,
            client=client,
            episode=ep,
            target_graduation_date=end,
            status="graduated" if graduated else "closed",
            graduated_on=end if graduated else None,
            last_iop_session_on=last_session,
        )
        return ep

    c = clients
    discharged(c[0], d(1, 5), d(3, 5), True, d(3, 4))
    episode(c[0], d(3, 6), level="aftercare")
    discharged(c[1], d(1, 10), d(3, 20), True, d(3, 19))
    episode(c[1], d(3, 21), d(4, 30), level="aftercare")
    discharged(c[2], d(1, 15), d(2, 1), False)
    discharged(c[3], d(2, 1), d(4, 15), True, d(4, 14))
    episode(c[3], d(4, 16), level="aftercare")
    discharged(c[4], d(2, 10), d(2, 20), False)
    episode(c[5], d(3, 1))
    episode(c[6], d(4, 1))
    episode(c[7], d(5, 15))
    episode(c[8], d(6, 15))
    discharged(c[9], d(12, 1, 2025), d(1, 20), True, d(1, 19))

    # C2's last session comes from attendance (Jan 30 attended; Jan 31 unexcused).
    for day, status in ((d(1, 28), "present"), (d(1, 30), "late"), (d(1, 31), "unexcused")):
        session = Session.objects.create(
            program=program,
            client=c[2],
            session_type="individual_counseling",
            facilitator=cast.clinician,
            starts_at=noon(day),
            ends_at=noon(day) + timedelta(hours=1),
            occurrence_date=day,
        )
        Attendance.objects.create(
            session=session,
            client=c[2],
            status=status,
            minutes_attended=0 if status == "unexcused" else 60,
        )

    def plan_for(client):
        plan, _ = AftercarePlan.objects.get_or_create(
            client=client,
            defaults={"program": program, "start_date": START, "end_date": END, "status": "active"},
        )
        return plan

    for client, day in ((c[0], d(3, 9)), (c[4], d(3, 25)), (c[9], d(1, 25))):
        CoordinatorCheckIn.objects.create(
            plan=plan_for(client), client=client, scheduled_at=noon(day), status="attended"
        )
    # A missed check-in earlier for C0 is not a contact.
    CoordinatorCheckIn.objects.create(
        plan=plan_for(c[0]), client=c[0], scheduled_at=noon(d(3, 7)), status="missed"
    )
    therapy = PlanComponent.objects.create(plan=plan_for(c[1]), kind="therapy")
    ComponentContact.objects.create(component=therapy, date=d(4, 3), attended=False)
    ComponentContact.objects.create(component=therapy, date=d(4, 10), attended=True)
    provider = ExternalProvider.objects.create(organization=program.organization, name="Elm (test)")
    Referral.objects.create(
        organization=program.organization,
        client=c[3],
        provider=provider,
        status="attended",
        sent_at=noon(d(4, 1)),
        attended_on=d(4, 16),
    )

    def score(client, instrument, day, total):
        Assessment.objects.create(
            client=client,
            instrument=instrument,
            answers={},
            total=total,
            scoring_version="test",
            mode="staff",
            administered_at=noon(day),
        )

    score(c[0], "phq9", d(1, 6), 15)
    score(c[0], "phq9", d(3, 1), 8)  # fall 7: reliable (>= 6)
    score(c[1], "phq9", d(1, 10), 14)
    score(c[1], "phq9", d(3, 15), 10)  # fall 4: not reliable
    score(c[3], "phq9", d(2, 2), 20)
    score(c[3], "phq9", d(4, 10), 12)  # fall 8: reliable
    score(c[3], "phq9", d(7, 1), 9)  # 3 months (Jun 14 - Aug 13): fall 11, reliable
    score(c[0], "gad7", d(1, 6), 10)
    score(c[0], "gad7", d(3, 1), 7)  # fall 3: not reliable (>= 4)
    score(c[9], "gad7", d(12, 2, 2025), 12)
    score(c[9], "gad7", d(1, 15), 6)  # fall 6: reliable
    score(c[5], "phq9", d(3, 2), 18)  # still in IOP: no discharge score, not counted

    for n in range(10):
        CheckIn.objects.create(
            client=c[5], date=d(3, 2) + timedelta(n), mood=3, craving=2, sleep_hours=7, stress=3
        )
    for n in range(5):
        CheckIn.objects.create(
            client=c[6], date=d(4, 2) + timedelta(n), mood=3, craving=2, sleep_hours=7, stress=3
        )
    # Not enrolled on these days: not counted.
    CheckIn.objects.create(client=c[2], date=d(3, 1), mood=3, craving=2, sleep_hours=7, stress=3)
    Lapse.objects.create(client=c[5], date=d(3, 10))
    Lapse.objects.create(client=c[5], date=d(4, 10))
    Lapse.objects.create(client=c[7], date=d(6, 1))
    Lapse.objects.create(client=c[2], date=d(2, 15))  # after C2's discharge: not counted

    # C5's tests: 4 asked (3 given, 1 no-show); given: negative, negative, positive breath.
    for n, (status, brac) in enumerate(
        [("collected", "0.000"), ("collected", "0.000"), ("collected", "0.090"), ("no_show", None)]
    ):
        day = d(3, 3) + timedelta(days=7 * n)
        selection = TestSelection.objects.create(
            client=c[5],
            program=program,
            kind="for_cause",
            date=day,
            window_opens_at=noon(day) - timedelta(hours=3),
            window_closes_at=noon(day) + timedelta(hours=3),
            site="Office",
            status=status,
        )
        if brac is not None:
            Collection.objects.create(
                client=c[5],
                program=program,
                selection=selection,
                collected_at=noon(day),
                specimen_type="breath",
                collector="Cora",
                brac=Decimal(brac),
            )
    return clients


def _rates(rates):
    return [(r.numerator, r.denominator) for r in rates]


def test_every_figure_equals_the_hand_count(cast, cohort):
    _, figures = outcome_report(user=cast.admin, program_id=cast.program.id, start=START, end=END)

    # Day 30 in IOP: started in the period with day 30 by Jun 30: C0-C7 (8); still in on day
    # 30: not C2 (ended day 17) nor C4 (day 10): 6. Day 90: starts by Apr 1: C0-C6 (7); still
    # in: C5, C6 (2). Aftercare day 90: C0 (Mar 6, open) and C1 (Mar 21, ended Apr 30) are
    # eligible (C3's day 90 is Jul 15): 1 of 2.
    assert _rates(figures.retention) == [(6, 8), (2, 7), (1, 2)]

    # Discharges in the period: C0, C1, C2, C3, C4, C9 (6); graduated C0, C1, C3, C9.
    assert _rates(figures.completion) == [(4, 6), (2, 6)]

    # Gaps: C0 5, C1 22, C2 none, C3 2, C4 33, C9 6 -> within 7: 3; within 30: 4; of all 6.
    assert _rates(figures.connection) == [(3, 6), (4, 6)]
    assert figures.median_days_to_aftercare == 6  # median of 2, 5, 6, 22, 33

    changes = {(c.instrument, c.when): c for c in figures.score_changes}
    phq = changes[("phq9", "discharge")]
    assert (phq.clients, phq.improved) == (3, 2)
    assert phq.mean_change == pytest.approx((-7 - 4 - 8) / 3)
    assert (changes[("phq9", "3 months")].clients, changes[("phq9", "3 months")].improved) == (1, 1)
    assert changes[("phq9", "6 months")].clients == 0
    gad = changes[("gad7", "discharge")]
    assert (gad.clients, gad.improved, gad.mean_change) == (2, 1, (-3 - 6) / 2)
    assert changes[("bam", "discharge")].clients == 0
    assert changes[("bam", "discharge")].improved is None  # no reliable-change threshold

    # Days enrolled in the period: C0 60 + 117, C1 70 + 41, C2 18, C3 74 + 76, C4 11, C5 122,
    # C6 91, C7 47, C8 16, C9 20 = 763; check-ins on enrolled days: 10 + 5 = 15.
    assert (figures.check_in_engagement.numerator, figures.check_in_engagement.denominator) == (
        15,
        763,
    )
    # Lapses on enrolled days: C5 2, C7 1 = 3, over 763 / 30.436875 client-months.
    assert figures.lapses == 3
    assert figures.client_months == Fraction(763) / DAYS_PER_MONTH
    assert figures.lapses_per_100_client_months == pytest.approx(3 / (763 / 30.436875) * 100)

    # Testing: 3 given of 4 asked; 1 positive of 3 resulted.
    assert _rates(figures.testing) == [(3, 4), (1, 3)]


def test_the_report_page_shows_table_chart_and_csv_for_admins_only(client, cast, cohort):
    query = f"?program={cast.program.id}&start=2026-01-01&end=2026-06-30"
    client.force_login(cast.admin)
    page = client.get("/outcomes/" + query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="outcomes-table"' in html and "<svg" in html
    assert "First aftercare contact within 7 days" in html and "50.0%" in html
    csv = client.get("/outcomes/" + query + "&format=csv").content.decode()
    assert "Connection to aftercare,First aftercare contact within 30 days,66.7%,4,6" in csv
    for role in ("clinician", "coordinator", "front_desk", "client"):
        client.force_login(cast.person(role))
        assert client.get("/outcomes/" + query).status_code == 404
    client.force_login(cast.outsider)
    assert client.get("/outcomes/" + query).status_code in (400, 404)


def test_a_period_ending_before_it_starts_is_a_form_error(client, cast):
    client.force_login(cast.admin)
    page = client.get(f"/outcomes/?program={cast.program.id}&start=2026-06-01&end=2026-01-01")
    assert page.status_code == 400 and b"starts after it ends" in page.content


def test_the_report_reads_in_a_fixed_number_of_queries(cast, cohort, django_assert_num_queries):
    outcome_report(user=cast.admin, program_id=cast.program.id, start=START, end=END)  # warm
    with django_assert_num_queries(14) as counted:
        outcome_report(user=cast.admin, program_id=cast.program.id, start=START, end=END)
    for n in range(5):
        extra = ClientFactory(program=cast.program)
        EpisodeOfCare.objects.create(
            client=extra,
            program=cast.program,
            level_code="2.1",
            start_date=d(2, 1 + n),
            status="active",
        )
        CheckIn.objects.create(
            client=extra, date=d(2, 10), mood=3, craving=2, sleep_hours=7, stress=3
        )
    with django_assert_num_queries(len(counted.captured_queries)):
        outcome_report(user=cast.admin, program_id=cast.program.id, start=START, end=END)
