"""A client read costs a fixed, small number of SQL statements (issue 14: the hot path).

Counted around the whole request as the benchmark sends it (bench/bench_http.py W6: a
clinician's API token), outside any test transaction:
  1. SELECT the token with its user and the user's program roles;
  2. on PostgreSQL, one statement: the client (scoped to the caller's programs, with what the
     sobriety figures need) and, in a WITH in front of it, the INSERT of the `read` audit event
     from the same rows. SQLite cannot put an INSERT in a WITH: there the SELECT and the INSERT
     are two statements (3 in all).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from recoverypath.accounts.services.tokens import api_token_issue
from recoverypath.clients.models import SobrietyStreak
from recoverypath.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

READ_STATEMENTS = {"postgresql": 2, "sqlite": 3}


def _api(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user, name='t').secret}")
    return api


def _get(api, url):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    return response, [q["sql"] for q in ctx.captured_queries]


def test_a_client_read_is_2_statements_on_postgresql_and_is_audited(cast):
    SobrietyStreak.objects.create(
        client=cast.client, start_date=date(2026, 1, 1), end_date=date(2026, 3, 2)
    )
    cast.client.sobriety_date = date(2026, 3, 3)
    cast.client.save(update_fields=["sobriety_date"])
    api = _api(cast.clinician)
    before = AuditEvent.objects.filter(action="read", object_type="clients.client").count()
    response, statements = _get(api, f"/api/v1/clients/{cast.client.id}/")
    assert response.status_code == 200
    assert len(statements) == READ_STATEMENTS[connection.vendor], "\n".join(statements)
    assert not [s for s in statements if s.split(" ")[0] in ("BEGIN", "SAVEPOINT")]
    event = AuditEvent.objects.filter(action="read", object_type="clients.client").latest("id")
    assert AuditEvent.objects.filter(action="read").count() == before + 1
    assert (event.actor_id, event.client_id, event.object_id) == (
        cast.clinician.id,
        cast.client.id,
        str(cast.client.id),
    )
    assert event.organization_id == cast.client.organization_id
    assert event.path == f"/api/v1/clients/{cast.client.id}/"
    body = response.json()
    assert body["id"] == cast.client.id
    assert body["program"] == cast.program.id
    assert body["longest_streak_days"] >= 60  # the closed streak, or the current one if longer


def test_a_client_reads_their_own_record_in_the_same_statements(cast):
    response, statements = _get(_api(cast.client_user), f"/api/v1/clients/{cast.client.id}/")
    assert response.status_code == 200
    assert len(statements) == READ_STATEMENTS[connection.vendor], "\n".join(statements)


@pytest.mark.parametrize("who", ["other_program_clinician", "outsider", "client_user"])
def test_an_unseen_client_is_404_and_leaves_no_read_event(cast, who):
    target = cast.other_program_client if who != "other_program_clinician" else cast.client
    before = AuditEvent.objects.filter(action="read", object_type="clients.client").count()
    response = _api(getattr(cast, who)).get(f"/api/v1/clients/{target.id}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="read", object_type="clients.client").count() == before
