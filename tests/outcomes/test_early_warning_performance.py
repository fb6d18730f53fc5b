"""The early-warning performance report finds the demo's planted relationship (lapses follow
weeks with high-craving warnings: AUC above 0.7) and reports about 0.5 when it is switched off;
precision, recall and lead time per rule; the AUC by sex and age band; a hand-checked AUC."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from recoverypath.care.models import EpisodeOfCare
from recoverypath.outcomes.demo_data import plant_history
from recoverypath.outcomes.selectors import warning_performance
from recoverypath.outcomes.warnings import auc
from tests.factories import ClientFactory

START = date(2026, 1, 5)
END = START + timedelta(days=7 * 12)


def _cohort(cast, n: int = 60):
    clients = []
    for index in range(n):
        client = ClientFactory(
            program=cast.program,
            sex_assigned_at_birth="female" if index % 2 else "male",
            date_of_birth=date(1970 + index % 35, 3, 1),
        )
        EpisodeOfCare.objects.create(
            client=client, program=cast.program, level_code="2.1", start_date=START, status="active"
        )
        clients.append(client)
    return clients


def test_the_report_recovers_the_planted_relationship(cast):
    plant_history(clients=_cohort(cast), rng=random.Random(7), start=START, planted=True)
    _, perf = warning_performance(user=cast.admin, program_id=cast.program.id, start=START, end=END)
    assert perf.weeks > 500
    assert perf.overall.value > 0.7  # 7 days
    assert perf.overall.low > 0.6  # the whole interval clears chance
    assert perf.overall_14.value > 0.6  # the second week is not what the warning foretells
    craving = {(r.rule, r.horizon): r for r in perf.rules}
    week = craving[("high_craving", 7)]
    assert week.warned > 0 and week.precision > 0.6
    assert craving[("high_craving", 14)].recall > craving[("no_checkin", 14)].recall
    assert week.mean_lead_days is not None and 0 < week.mean_lead_days <= 13
    labels = {g.label for g in perf.by_group}
    assert {"sex: female", "sex: male"} <= labels
    assert any(label.startswith("age band:") for label in labels)


def test_without_the_planted_relationship_the_auc_is_near_one_half(cast):
    plant_history(clients=_cohort(cast), rng=random.Random(7), start=START, planted=False)
    _, perf = warning_performance(user=cast.admin, program_id=cast.program.id, start=START, end=END)
    for result in (perf.overall, perf.overall_14):
        assert result.value == pytest.approx(0.5, abs=0.07)


def test_the_auc_counts_ties_as_half_and_matches_a_hand_count():
    # positives 3, 2, 1 against negatives 2, 0: pairs won 2 + 1.5 + 1 = 4.5 of 6.
    result = auc("x", [3, 2, 1], [2, 0])
    assert result.value == pytest.approx(4.5 / 6)
    assert result.low < result.value < result.high
    assert auc("none", [], [1]).value is None


@pytest.mark.parametrize("role", ["clinician", "coordinator", "front_desk", "client", "outsider"])
def test_only_program_admins_see_the_report(client, cast, role):
    client.force_login(cast.person(role))
    url = f"/outcomes/early-warnings/?program={cast.program.id}&start=2026-01-05&end=2026-03-30"
    assert client.get(url).status_code in (400, 404)


def test_the_report_page_shows_rules_and_the_auc(client, cast):
    plant_history(clients=_cohort(cast, 20), rng=random.Random(3), start=START, planted=True)
    client.force_login(cast.admin)
    url = f"/outcomes/early-warnings/?program={cast.program.id}&start=2026-01-05&end=2026-03-30"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="warning-rules"' in html and "High cravings" in html
    assert 'data-testid="warning-auc"' in html and "Race and ethnicity are not recorded" in html
    csv = client.get(url + "&format=csv").content.decode()
    assert csv.startswith("rule,horizon_days,warned,warned_then_event,events,precision,recall")


def test_the_report_reads_in_a_fixed_number_of_queries(cast, django_assert_num_queries):
    plant_history(clients=_cohort(cast, 5), rng=random.Random(1), start=START, planted=True)
    warning_performance(user=cast.admin, program_id=cast.program.id, start=START, end=END)
    with django_assert_num_queries(6) as counted:  # program, episodes, clients, 3 histories
        warning_performance(user=cast.admin, program_id=cast.program.id, start=START, end=END)
    plant_history(clients=_cohort(cast, 15), rng=random.Random(2), start=START, planted=True)
    with django_assert_num_queries(len(counted.captured_queries)):
        warning_performance(user=cast.admin, program_id=cast.program.id, start=START, end=END)
