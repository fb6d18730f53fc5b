"""Lists run a fixed number of SQL queries whatever the number of clients (5 and 50)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext

from tests.conftest import api_as
from tests.factories import ClientFactory, SupportContactFactory


def _grow_caseload(cast, total: int) -> None:
    """Program A gets `total` clients in all, each with a care team and two support contacts."""
    have = cast.program.clients.count()
    for _ in range(total - have):
        client = ClientFactory(
            program=cast.program, primary_clinician=cast.clinician, coordinator=cast.coordinator
        )
        SupportContactFactory(client=client)
        SupportContactFactory(client=client, kind="family", is_emergency_contact=True)


def _count(fn) -> int:
    fn()  # warm up: sessions, content types and per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def measure(cast, django_assert_num_queries):
    """Count with 5 clients, then assert exactly that count with 50 (and return both)."""

    def run(fn) -> tuple[int, int]:
        _grow_caseload(cast, 5)
        small = _count(fn)
        _grow_caseload(cast, 50)
        large = _count(fn)
        with django_assert_num_queries(small):
            fn()
        return small, large

    return run


def test_the_caseload_page_runs_the_same_queries_for_5_and_50_clients(cast, measure):
    web = WebClient()
    web.force_login(cast.clinician)
    small, large = measure(lambda: web.get("/clients/", {"page_size": 100}))
    assert small == large


def test_a_searched_and_sorted_caseload_page_runs_the_same_queries(cast, measure):
    web = WebClient()
    web.force_login(cast.admin)
    query = {"q": "Testcase", "program": cast.program.id, "sort": "-sobriety"}
    small, large = measure(lambda: web.get("/clients/", query))
    assert small == large


def test_the_clients_api_list_runs_the_same_queries_for_5_and_50_clients(cast, measure):
    api = api_as(cast.clinician)
    small, large = measure(lambda: api.get("/api/v1/clients/", {"page_size": 100}))
    assert small == large


def test_the_support_contacts_api_list_runs_the_same_queries_for_5_and_50_clients(cast, measure):
    api = api_as(cast.coordinator)
    # The default page (25): on SQLite bulk_create splits more than ~80 audit rows into two
    # INSERTs, so a 100-row page would count one more query for batching, not per row.
    small, large = measure(lambda: api.get("/api/v1/support-contacts/"))
    assert small == large


def test_the_client_page_runs_the_same_queries_whatever_the_number_of_contacts(cast):
    web = WebClient()
    web.force_login(cast.clinician)
    url = f"/clients/{cast.client.id}/"
    few = _count(lambda: web.get(url))
    for _ in range(20):
        SupportContactFactory(client=cast.client)
    assert _count(lambda: web.get(url)) == few


def test_the_audit_log_runs_the_same_queries_whatever_the_number_of_events(cast, measure):
    web = WebClient()
    web.force_login(cast.admin)
    api = api_as(cast.clinician)
    few = _count(lambda: web.get("/audit/"))
    _grow_caseload(cast, 50)
    api.get("/api/v1/clients/", {"page_size": 100})
    assert _count(lambda: web.get("/audit/")) == few
