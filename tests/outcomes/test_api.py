"""The outcome reports over JSON: the same figures as the pages, for program admins only, with
the program resolved within reach, the period checked, one audit event, fixed query counts."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recoverypath.core.models import AuditEvent
from recoverypath.outcomes.demo_data import plant_history
from tests.conftest import api_as

# The hand-built cohort of the figures test, reused as a fixture.
from .test_early_warning_performance import END as W_END
from .test_early_warning_performance import START as W_START
from .test_early_warning_performance import _cohort
from .test_figures_on_a_hand_built_cohort import cohort  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
REPORT = "/api/v1/outcome-reports/"
WARNINGS = "/api/v1/early-warning-performance/"


def _pairs(rates) -> list[tuple[int, int]]:
    return [(r["numerator"], r["denominator"]) for r in rates]


def test_the_outcome_report_gives_the_hand_counted_figures(cast, cohort):  # noqa: F811
    query = {"program": cast.program.id, "start": "2026-01-01", "end": "2026-06-30"}
    before = AuditEvent.objects.filter(object_type="outcomes.report").count()
    answer = api_as(cast.admin).get(REPORT, query)
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert _pairs(body["retention"]) == [(6, 8), (2, 7), (1, 2)]
    assert _pairs(body["completion"]) == [(4, 6), (2, 6)]
    assert _pairs(body["connection"]) == [(3, 6), (4, 6)]
    assert body["connection"][0]["value"] == pytest.approx(0.5)
    assert body["median_days_to_aftercare"] == 6
    phq = next(
        c for c in body["score_changes"] if (c["instrument"], c["when"]) == ("phq9", "discharge")
    )
    assert (phq["clients"], phq["improved"]) == (3, 2)
    assert body["lapses"] == 3
    assert _pairs(body["testing"]) == [(3, 4), (1, 3)]
    after = AuditEvent.objects.filter(object_type="outcomes.report").count()
    assert after == before + 1


def test_the_period_defaults_to_the_last_year_and_a_backwards_one_is_a_400(cast):
    api = api_as(cast.admin)
    body = api.get(REPORT, {"program": cast.program.id}).json()
    assert body["end"] > body["start"] and body["retention"][0]["figure"] == "In IOP at day 30"
    bad = api.get(REPORT, {"program": cast.program.id, "start": "2026-06-01", "end": "2026-01-01"})
    assert bad.status_code == 400
    assert "starts after it ends" in bad.json()["error"]["message"]
    long = api.get(REPORT, {"program": cast.program.id, "start": "2000-01-01", "end": "2026-01-01"})
    assert long.status_code == 400
    assert api.get(REPORT).json()["error"]["fields"] == {"program": ["This field is required."]}


@pytest.mark.parametrize("url", [REPORT, WARNINGS])
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", 200),
        ("clinician", 403),
        ("coordinator", 403),
        ("front_desk", 403),
        ("client", 403),
        ("alumnus", 403),
        ("family", 403),
        ("other_program", 403),
        ("outsider", 400),
        ("anonymous", 401),
    ],
)
def test_only_the_programs_admins_read_its_reports(cast, url, role, expected):
    from tests.alumni.conftest import client_with_login, graduate
    from tests.factories import UserFactory

    people = {
        "alumnus": None,
        "family": UserFactory(email="marlow@test.example.org"),
    }
    if role == "alumnus":
        alumnus = client_with_login(cast.program, "Rowan", "Thistledown", "A-0777")
        graduate(alumnus)
        people["alumnus"] = alumnus.user
    user = people[role] if role in people else cast.person(role)
    answer = api_as(user).get(url, {"program": cast.program.id})
    assert answer.status_code == expected
    if expected == 400:  # another organization's admin: the program is out of reach
        assert answer.json()["error"]["fields"] == {"program": ["Not found."]}
    if expected >= 400:
        assert set(answer.json()) == {"error"}


def test_the_warning_report_finds_the_planted_relationship(cast):
    plant_history(clients=_cohort(cast), rng=random.Random(7), start=W_START, planted=True)
    query = {"program": cast.program.id, "start": str(W_START), "end": str(W_END)}
    body = api_as(cast.admin).get(WARNINGS, query).json()
    assert body["weeks"] > 500
    assert body["risk_score"][0]["auc"] > 0.7
    assert body["risk_score"][0]["low"] > 0.6
    craving = {(r["rule"], r["horizon_days"]): r for r in body["rules"]}
    assert craving[("high_craving", 7)]["name"] == "High cravings"
    assert {"sex: female", "sex: male"} <= {g["group"] for g in body["subgroups"]}
    assert body["race_ethnicity_recorded"] is False
    assert body["min_group_clients"] == 10


@pytest.mark.parametrize("url", [REPORT, WARNINGS])
def test_the_reports_read_in_a_fixed_number_of_queries(cast, url):
    api = api_as(cast.admin)
    query = {"program": cast.program.id, "start": str(W_START), "end": str(W_END)}
    plant_history(clients=_cohort(cast, 4), rng=random.Random(1), start=W_START, planted=True)
    api.get(url, query)
    with CaptureQueriesContext(connection) as few:
        assert api.get(url, query).status_code == 200
    plant_history(clients=_cohort(cast, 12), rng=random.Random(2), start=W_START, planted=True)
    with CaptureQueriesContext(connection) as many:
        assert api.get(url, query).status_code == 200
    assert len(few) == len(many)
