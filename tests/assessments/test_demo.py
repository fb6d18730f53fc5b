"""The demo shows believable assessment histories and a safety plan."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from recoverypath.assessments import demo_data, selectors
from recoverypath.assessments.models import Assessment
from recoverypath.clients.models import Client
from recoverypath.safety.models import SafetyPlan
from tests.factories import ClientFactory, UserFactory


@pytest.mark.django_db
def test_demo_histories_fall_over_the_weeks_and_the_demo_client_has_a_plan(cast):
    clients = [cast.client] + [
        ClientFactory(program=cast.program, primary_clinician=cast.clinician) for _ in range(30)
    ]
    staff = {"clinician": cast.clinician, "admin": cast.admin}
    demo_data.extend(
        result=None, rng=random.Random(3), today=timezone.localdate(), staff=staff, clients=clients
    )
    phq = list(
        Assessment.objects.filter(client=cast.client, instrument="PHQ-9").order_by(
            "administered_at"
        )
    )
    assert len(phq) >= 4
    assert phq[-1].total < phq[0].total
    due = {d.instrument.code for d in selectors.assessments_due(client=cast.client)}
    assert "PHQ-9" in due
    assert [p.version for p in SafetyPlan.objects.filter(client=cast.client)] == [2, 1]
    assert Assessment.objects.filter(safety_positive=True).count() >= 1
    assert Client.objects.filter(assessments__isnull=False).distinct().count() == 31


@pytest.mark.django_db
def test_demo_scores_are_the_instruments_own(cast):
    from recoverypath.assessments.instruments import REGISTRY, ScoringContext

    clients = [ClientFactory(program=cast.program, user=UserFactory()) for _ in range(5)]
    demo_data.extend(
        result=None,
        rng=random.Random(5),
        today=timezone.localdate(),
        staff={"clinician": cast.clinician},
        clients=clients,
    )
    for a in Assessment.objects.select_related("client"):
        score = REGISTRY[a.instrument].score(
            a.answers, ScoringContext(a.client.sex_assigned_at_birth)
        )
        assert (score.total, score.band or "", score.subscales, score.flags) == (
            a.total,
            a.band,
            a.subscales,
            a.flags,
        )
