"""The testing pages: the client's record for staff, the client's own tests, the program report
(table, chart, CSV), and the sections on other apps' pages; every role on every page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from recoverypath.testing.models import Collection, TestSelection
from recoverypath.testing.services import collection_record, draw_run, medication_add
from tests.factories import ClientFactory

from .conftest import make_policy

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=NY)
STAFF = ["admin", "clinician", "coordinator", "front_desk", "other_program", "outsider"]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _login(web, cast, role):
    user = cast.person(role)
    if user is not None:
        web.force_login(user)


@pytest.fixture
def tested(cast, policy):
    collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=NOW - timedelta(days=3),
        specimen_type="urine",
        collector="Cora",
        results=[{"analyte": "cocaine", "value": "0"}],
    )
    collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=NOW - timedelta(days=1),
        specimen_type="breath",
        collector="Cora",
        brac="0.000",
    )
    return policy


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("client", 404),
        ("admin", 200),
        ("clinician", 200),
        ("coordinator", 200),
        ("front_desk", 403),
        ("other_program", 404),
        ("outsider", 404),
    ],
)
def test_the_staff_testing_page_by_role(client, cast, tested, role, status):
    _login(client, cast, role)
    response = client.get(f"/clients/{cast.client.id}/testing/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Negative tests in a row: <strong>2</strong>" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("client", 404)]
    + [(r, 403) for r in ("front_desk", "other_program", "outsider")]
    + [(r, 302) for r in ("admin", "clinician", "coordinator")],
)
def test_recording_a_collection_on_the_web_by_role(client, cast, policy, role, status):
    _login(client, cast, role)
    response = client.post(
        f"/clients/{cast.client.id}/testing/collections/",
        {
            "collected_at": "2026-11-26T09:30",
            "specimen_type": "urine",
            "collector": "Cora Coordwell",
            "custody_form_number": "COC-77",
            "validity": "valid",
        },
    )
    if role in ("other_program", "outsider", "client"):
        assert response.status_code == 404
    else:
        assert response.status_code == status
    assert Collection.objects.exists() == (status == 302 and role != "anonymous")


def test_a_collection_time_is_read_in_the_programs_time_zone(client, cast, policy):
    client.force_login(cast.coordinator)
    client.post(
        f"/clients/{cast.client.id}/testing/collections/",
        {
            "collected_at": "2026-11-26T09:30",
            "specimen_type": "urine",
            "collector": "Cora",
            "validity": "valid",
        },
    )
    assert Collection.objects.get().collected_at == datetime(2026, 11, 26, 9, 30, tzinfo=NY)


def test_a_bad_collection_on_the_web_shows_the_message_on_its_field(client, cast, policy):
    client.force_login(cast.coordinator)
    response = client.post(
        f"/clients/{cast.client.id}/testing/collections/",
        {
            "collected_at": "2026-11-26T09:30",
            "specimen_type": "breath",
            "collector": "Cora",
            "validity": "valid",
            "brac": "-0.010",
        },
    )
    assert response.status_code == 400
    assert "BrAC cannot be negative." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("client", 200)] + [(r, 404) for r in STAFF]
)
def test_the_clients_own_tests_page_by_role(client, cast, tested, role, status):
    _login(client, cast, role)
    response = client.get("/me/tests/")
    assert response.status_code == status
    if status == 200:
        assert "2 negative tests in a row" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("client", 404), ("front_desk", 403)]
    + [(r, 200) for r in ("admin", "clinician", "coordinator", "other_program", "outsider")],
)
def test_the_program_report_by_role(client, cast, role, status):
    """Staff of other programs see their own program's report only (an empty one here)."""
    _login(client, cast, role)
    response = client.get("/testing/report/")
    assert response.status_code == status


def test_a_foreign_program_in_the_report_is_a_400_never_its_data(client, cast, tested):
    client.force_login(cast.other_program_clinician)
    response = client.get(
        "/testing/report/", {"program": cast.program.id, "start": "2026-11-01", "end": "2026-11-30"}
    )
    assert response.status_code == 400


def test_the_report_shows_tests_compliance_and_positivity_as_table_chart_and_csv(
    client, cast, policy
):
    other = ClientFactory(program=cast.program)
    make_policy(other, tests_per_period=7)
    cast_policy = policy
    cast_policy.tests_per_period = 7
    cast_policy.save(update_fields=["tests_per_period"])
    draw_run(program=cast.program, day=date(2026, 11, 23))
    collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=datetime(2026, 11, 23, 9, 0, tzinfo=NY),
        specimen_type="urine",
        collector="Cora",
        results=[{"analyte": "cocaine", "value": "400"}, {"analyte": "marijuana", "value": "0"}],
    )
    TestSelection.objects.filter(client=other).update(status="no_show")
    client.force_login(cast.coordinator)
    params = {"program": cast.program.id, "start": "2026-11-16", "end": "2026-11-29"}
    page = client.get("/testing/report/", params).content.decode()
    assert "50% (1 given of 2 asked)" in page
    assert 'data-testid="testing-chart"' in page and "<rect" in page
    csv_text = client.get("/testing/report/", {**params, "format": "csv"}).content.decode()
    assert "2026-11-23,2,1,1,0,1,50" in csv_text
    assert "Cocaine,1,1,0,100.0" in csv_text
    assert "Marijuana (THC),1,0,0,0.0" in csv_text


def test_the_report_runs_in_the_same_number_of_queries_for_any_number_of_tests(
    client, cast, policy, django_assert_num_queries
):
    client.force_login(cast.coordinator)
    params = {"program": cast.program.id, "start": "2026-11-01", "end": "2026-11-30"}
    client.get("/testing/report/", params)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/testing/report/", params)
    for days in range(1, 6):
        collection_record(
            actor=cast.coordinator,
            client=cast.client,
            collected_at=NOW - timedelta(days=days),
            specimen_type="urine",
            collector="Cora",
            results=[{"analyte": "cocaine", "value": "0"}],
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/testing/report/", params)


def test_the_client_page_panel_and_the_expected_positive(client, cast, policy):
    medication_add(
        actor=cast.clinician,
        client=cast.client,
        name="Methadone 80 mg",
        analyte="methadone",
        start_date=date(2026, 1, 1),
    )
    collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=NOW - timedelta(hours=1),
        specimen_type="urine",
        collector="Cora",
        results=[{"analyte": "methadone", "value": "900"}],
    )
    client.force_login(cast.coordinator)
    page = client.get(f"/clients/{cast.client.id}/").content.decode()
    assert "Positive, expected (prescribed)" in page
    assert "1 negative in a row" in page


def test_the_programs_default_policy_starts_from_the_client_page(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(f"/clients/{cast.client.id}/testing/policy/default/")
    assert response.status_code == 302
    from recoverypath.testing.models import TestingPolicy

    policy = TestingPolicy.objects.get(client=cast.client)
    assert policy.origin == "program_default" and policy.window_days == [0, 1, 2, 3, 4]
    assert policy.panel.code == "urine-5"


def test_front_desk_cannot_start_the_default_policy(client, cast):
    client.force_login(cast.front_desk)
    assert client.post(f"/clients/{cast.client.id}/testing/policy/default/").status_code == 403


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", 302),
        ("client", 404),
        ("front_desk", 403),
        ("other_program", 404),
        ("outsider", 404),
        ("admin", None),
        ("clinician", None),
        ("coordinator", None),
    ],
)
def test_every_write_on_the_testing_page_by_role(client, cast, tested, role, allowed):
    from recoverypath.testing.models import AnalyteResult, TestSelection

    selection = TestSelection.objects.create(
        client=cast.client,
        program=cast.program,
        kind="for_cause",
        date=date(2026, 11, 26),
        window_opens_at=NOW,
        window_closes_at=NOW + timedelta(hours=3),
        site="Office",
        reason="Asked",
    )
    collection = Collection.objects.filter(specimen_type="urine").get()
    result = AnalyteResult.objects.get(collection=collection)
    base = f"/clients/{cast.client.id}/testing"
    posts = {
        f"{base}/policy/": {"tests_per_period": "1"},
        f"{base}/policy/default/": {},
        f"{base}/policy/{tested.id}/end/": {},
        f"{base}/tests/": {"kind": "for_cause", "reason": "x"},
        f"{base}/tests/{selection.id}/excuse/": {"reason": "In hospital"},
        f"{base}/collections/": {"specimen_type": "breath"},
        f"{base}/collections/{collection.id}/results/": {
            "analyte": "cocaine",
            "stage": "confirmed",
        },
        f"{base}/results/{result.id}/send/": {},
        f"{base}/medications/": {"name": "x"},
    }
    _login(client, cast, role)
    for url, data in posts.items():
        status = client.post(url, data).status_code
        if allowed is None:
            assert status in (200, 302, 400), (url, status)
        else:
            assert status == allowed, (url, status)


def test_a_button_naming_another_clients_record_is_a_404_and_changes_nothing(client, cast, tested):
    """An id in the path that is not this client's (another client of the same program, whom
    the coordinator may see, or another organization's) is out of reach: 404, as everywhere."""
    from recoverypath.testing.models import AnalyteResult, TestingPolicy

    neighbour = ClientFactory(program=cast.program)
    policy = make_policy(neighbour)
    collection = collection_record(
        actor=cast.coordinator,
        client=neighbour,
        collected_at=NOW - timedelta(hours=1),
        specimen_type="urine",
        collector="Cora",
        results=[{"analyte": "cocaine", "value": "500"}],
    )
    selection = TestSelection.objects.create(
        client=neighbour,
        program=cast.program,
        kind="for_cause",
        date=date(2026, 11, 26),
        window_opens_at=NOW,
        window_closes_at=NOW + timedelta(hours=3),
        site="Office",
        reason="Asked",
    )
    result = AnalyteResult.objects.get(collection=collection)
    outsider_policy = make_policy(cast.outsider_client)
    base = f"/clients/{cast.client.id}/testing"
    posts = {
        f"{base}/policy/{policy.id}/end/": {},
        f"{base}/policy/{outsider_policy.id}/end/": {},
        f"{base}/tests/{selection.id}/excuse/": {"reason": "In hospital"},
        f"{base}/collections/{collection.id}/results/": {
            "analyte": "cocaine",
            "stage": "confirmed",
            "value": "400",
        },
        f"{base}/results/{result.id}/send/": {},
    }
    client.force_login(cast.coordinator)
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert TestingPolicy.objects.filter(status="active").count() == 3
    selection.refresh_from_db()
    assert selection.status == "selected"
    result.refresh_from_db()
    assert result.current and result.sent_for_confirmation_at is None
    assert AnalyteResult.objects.filter(collection=collection).count() == 1
