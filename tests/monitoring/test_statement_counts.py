"""A check-in costs a fixed, small number of SQL statements (issue 14: the hot path).

Counted around the whole request, as the benchmark sends it (bench/bench_http.py W1: the
client's own API token, JSON body, no session), outside any test transaction (transaction=True),
so that BEGIN and COMMIT are the request's own. What is counted: every statement Django sends,
except BEGIN and COMMIT (a transaction's boundaries, listed apart). No SAVEPOINT at all: the
upserts need none.

The common check-in (no use reported, no early-warning alert open, the program's rule settings
cached) is 4 statements on both backends:
  1. SELECT the token with its user, the user's program roles and their client record;
  2. SELECT the client's latest check-ins up to the day (the day's row is the audit's "before",
     the rows are what the immediate rules look at), with the count of open warnings;
  3. INSERT ... ON CONFLICT DO UPDATE ... RETURNING: the check-in;
  4. INSERT the audit event.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from recoverypath.accounts.services.tokens import api_token_issue
from recoverypath.alerts.models import Alert
from recoverypath.core.models import AuditEvent
from recoverypath.core.timezones import local_today
from recoverypath.earlywarning.models import Rule, RuleSetting
from recoverypath.monitoring.models import CheckIn, Lapse

pytestmark = pytest.mark.django_db(transaction=True)

CALM = {"mood": 4, "craving": 2, "sleep_hours": 7, "stress": 3, "used": False}
BOUNDARIES = ("BEGIN", "COMMIT")


def _statements(ctx, *, savepoints: bool = False) -> list[str]:
    sql = [q["sql"] for q in ctx.captured_queries]
    if not savepoints:
        assert not [s for s in sql if "SAVEPOINT" in s], "\n".join(sql)
    return [s for s in sql if s.split(" ")[0] not in BOUNDARIES]


@pytest.fixture
def client_api(cast):
    api = APIClient()
    secret = api_token_issue(user=cast.client_user, name="phone").secret
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


@pytest.fixture
def checked_in_yesterday(cast, client_api):
    """A day of history, and the program's rule settings in the cache."""
    yesterday = local_today(cast.client.time_zone) - timedelta(days=1)
    response = client_api.post(
        "/api/v1/check-ins/", {**CALM, "date": yesterday.isoformat()}, format="json"
    )
    assert response.status_code == 201
    return yesterday


def _post(api, body, *, savepoints: bool = False, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = api.post("/api/v1/check-ins/", body, format="json", **headers)
    return response, _statements(ctx, savepoints=savepoints)


def test_a_new_days_check_in_is_4_statements(cast, client_api, checked_in_yesterday):
    response, statements = _post(client_api, CALM)
    assert response.status_code == 201
    assert len(statements) == 4, "\n".join(statements)
    assert statements[2].startswith('INSERT INTO "monitoring_checkin"')
    assert "ON CONFLICT" in statements[2]
    event = AuditEvent.objects.filter(object_type="monitoring.checkin").latest("id")
    assert (event.action, event.object_id) == ("create", str(response.json()["id"]))
    assert event.changes["mood"] == [None, 4]


def test_the_same_day_again_is_4_statements_and_audits_before_and_after(
    cast, client_api, checked_in_yesterday
):
    first, _ = _post(client_api, CALM)
    response, statements = _post(client_api, {**CALM, "mood": 3})
    assert response.status_code == 200
    assert len(statements) == 4, "\n".join(statements)
    assert response.json()["id"] == first.json()["id"]
    assert response.json()["revision"] == 2
    assert response.json()["submitted_at"] == first.json()["submitted_at"]
    event = AuditEvent.objects.filter(object_type="monitoring.checkin").latest("id")
    assert event.action == "update"
    assert event.changes == {"mood": [4, 3]}
    assert CheckIn.objects.filter(client=cast.client).count() == 2


def test_a_check_in_with_an_idempotency_key_adds_the_keys_3_statements(
    cast, client_api, checked_in_yesterday
):
    """The key's record: INSERT it (its own commit), lock it, store the answer; the view does
    not authenticate again (the middleware already did)."""
    response, statements = _post(client_api, CALM, HTTP_IDEMPOTENCY_KEY="calm-day-1")
    assert response.status_code == 201
    assert len(statements) == 7, "\n".join(statements)
    replay, statements = _post(client_api, CALM, HTTP_IDEMPOTENCY_KEY="calm-day-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == response.json()
    assert CheckIn.objects.get(client=cast.client, date=local_today(cast.client.time_zone))


def test_an_open_warning_costs_its_clearing_and_still_resolves(
    cast, client_api, checked_in_yesterday
):
    from recoverypath.earlywarning.raising import warning_raise

    warning_raise(
        client=cast.client,
        rule=Rule.NO_CHECKIN,
        severity="medium",
        reason="No check-in for 2 days (test).",
        dedup_key=f"monitoring:no-checkin:{cast.client.id}",
    )
    # Resolving the alert is alerts' own service (with its savepoint): not the common path.
    response, statements = _post(client_api, CALM, savepoints=True)
    assert response.status_code == 201
    alert = Alert.objects.get(client=cast.client, kind="monitoring.no_checkin")
    assert alert.status == Alert.Status.RESOLVED
    assert len(statements) > 4


def test_a_reported_use_has_its_own_fixed_count(cast, client_api, checked_in_yesterday):
    used = {**CALM, "used": True, "substances": ["alcohol"]}
    response, statements = _post(client_api, used, savepoints=True)
    assert response.status_code == 201
    expected = USED_STATEMENTS[connection.vendor]
    assert len(statements) == expected, "\n".join(statements)
    lapse = Lapse.objects.get(client=cast.client)
    assert lapse.check_in_id == response.json()["id"]
    assert Alert.objects.filter(client=cast.client, kind="monitoring.reported_use").count() == 1


# The lapse, its audit event, the warning sign and the alert with its notices and the plan's
# stored risk rank: more statements, a fixed number (two staff are notified in the cast's program).
USED_STATEMENTS = {"sqlite": 43, "postgresql": 43}


def test_a_settings_change_reaches_the_next_check_in(cast, client_api, checked_in_yesterday):
    """The rule settings are cached per program; saving one drops the program's entry."""
    RuleSetting.objects.create(
        program=cast.program, rule=Rule.HIGH_CRAVING, params={"threshold": 2, "count": 1}
    )
    response, _ = _post(client_api, CALM, savepoints=True)  # raising the alert has its own
    assert response.status_code == 201
    assert Alert.objects.filter(client=cast.client, kind="monitoring.high_craving").exists()
