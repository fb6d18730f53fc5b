"""The discharge API lists load in a fixed number of queries, however many rows they return."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recoverypath.accounts.models import User
from recoverypath.discharge import services
from recoverypath.discharge.models import DischargePlan
from tests.conftest import api_as
from tests.factories import ClientFactory

from .conftest import start_iop

pytestmark = pytest.mark.django_db


def _plans_listed(cast) -> tuple[int, list[dict]]:
    api = api_as(User.objects.get(pk=cast.coordinator.pk))  # a fresh request's user
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/discharge-plans/")
    assert response.status_code == 200
    return len(queries.captured_queries), response.json()["results"]


def test_the_plan_list_api_runs_the_same_queries_for_one_plan_or_many(cast, run_on_commit):
    start_iop(run_on_commit, cast)
    few, _ = _plans_listed(cast)
    for _ in range(4):
        start_iop(run_on_commit, cast, client=ClientFactory(program=cast.program))
    many, results = _plans_listed(cast)
    assert len(results) == 5
    assert many == few


def test_the_plan_list_api_names_each_plans_summary(cast, run_on_commit):
    start_iop(run_on_commit, cast)
    start_iop(run_on_commit, cast, client=ClientFactory(program=cast.program))
    with_summary = DischargePlan.objects.get(client=cast.client)
    services.summary_generate(actor=cast.clinician, plan=with_summary)
    _, results = _plans_listed(cast)
    ids = {row["id"]: row["summary_id"] for row in results}
    assert ids[with_summary.id] == with_summary.summary.id
    assert sorted(ids.values(), key=str) == sorted([with_summary.summary.id, None], key=str)
    detail = api_as(cast.coordinator).get(f"/api/v1/discharge-plans/{with_summary.id}/").json()
    assert detail["summary_id"] == with_summary.summary.id
