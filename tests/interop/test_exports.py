"""Downloads: a client's whole record (FHIR JSON and a readable PDF) from their page, staff
reports as CSV; each download audited as an export."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as WebClient
from fhir.resources.R4B.bundle import Bundle

from recoverypath.accounts.models import User
from recoverypath.assessments.services import assessment_submit
from recoverypath.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _web(user):
    web = WebClient()
    web.force_login(user)
    return web


@pytest.fixture
def scored(cast):
    assessment_submit(
        actor=cast.client_user, client=cast.client, instrument="PHQ-9", answers=[1] * 8 + [0]
    )


def test_the_client_downloads_their_record_as_fhir_json_and_pdf(cast, scored):
    web = _web(cast.client_user)
    home = web.get("/me/")
    assert b"Download my records" in home.content
    page = web.get("/my/records/")
    assert page.status_code == 200
    json_download = web.get("/my/records/record.json")
    assert json_download.status_code == 200
    assert json_download["Content-Disposition"].startswith("attachment")
    bundle = Bundle.model_validate_json(json_download.content)
    assert {e.resource.__resource_type__ for e in bundle.entry} >= {
        "Patient",
        "Observation",
        "QuestionnaireResponse",
    }
    pdf = web.get("/my/records/record.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    events = AuditEvent.objects.filter(actor=cast.client_user, action="export")
    assert set(events.values_list("object_type", flat=True)) == {
        "interop.record.json",
        "interop.record.pdf",
    }
    assert set(events.values_list("client_id", flat=True)) == {cast.client.id}


def test_staff_have_no_my_records_page(cast):
    assert _web(cast.clinician).get("/my/records/record.json").status_code == 404
    assert WebClient().get("/my/records/record.pdf").status_code == 302


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_staff_download_the_caseload_and_scores_as_csv(cast, scored):
    rows = _csv(_web(cast.front_desk).get("/exports/caseload.csv"))
    assert rows[0][:3] == ["MRN", "Last name", "First name"]
    assert [r[0] for r in rows[1:]] == ["A-0001"]
    scores = _csv(_web(cast.coordinator).get("/exports/scores.csv", {"instrument": "PHQ-9"}))
    assert scores[1][0] == "A-0001" and scores[1][6] == "8"
    assert AuditEvent.objects.filter(
        actor=cast.coordinator,
        action="export",
        object_type="interop.report.scores",
        client_id=cast.client.id,
    ).exists()


def test_the_dashboard_and_gap_reports_download_for_the_demo(demo):
    coordinator = User.objects.get(email="coordinator.7@demo.example.org")
    web = _web(coordinator)
    dashboard = _csv(web.get("/exports/dashboard.csv"))
    assert dashboard[0][4] == "Coordinator"
    gap = _csv(web.get("/exports/gap-in-care.csv", {"program": demo.programs[0].id}))
    assert gap[0][-1] == "Flagged"


def test_report_refusals(cast):
    assert _web(cast.front_desk).get("/exports/scores.csv").status_code == 404
    assert _web(cast.coordinator).get("/exports/gap-in-care.csv").status_code == 400
    assert _web(cast.coordinator).get("/exports/scores.csv", {"instrument": "X"}).status_code == 400
    assert (
        _web(cast.coordinator).get("/exports/caseload.csv", {"program": "abc"}).status_code == 400
    )
    other = cast.other_program.id
    assert (
        _web(cast.coordinator).get("/exports/caseload.csv", {"program": other}).status_code == 404
    )
    assert _web(cast.client_user).get("/exports/caseload.csv").status_code == 404
    assert _web(cast.client_user).get("/exports/").status_code == 403
    assert _web(cast.coordinator).get("/exports/").status_code == 200


NY = ZoneInfo("America/New_York")
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=NY)


@pytest.fixture
def tested(cast):
    """Two tests asked of the cast client today: one given, one excused."""
    from recoverypath.testing.services import collection_record
    from recoverypath.testing.services.selection import selection_add, selection_excuse
    from tests.testing.conftest import make_policy

    with time_machine.travel(NOON, tick=False):
        make_policy(cast.client)
        selection_add(actor=cast.coordinator, client=cast.client, kind="scheduled")
        collection_record(
            actor=cast.coordinator,
            client=cast.client,
            collected_at=NOON - timedelta(hours=1),
            specimen_type="breath",
            collector="Cora Coordwell",
            brac="0.000",
        )
        excused = selection_add(
            actor=cast.coordinator, client=cast.client, kind="for_cause", reason="Late to group"
        )
        selection_excuse(actor=cast.coordinator, selection=excused, reason="Was at the clinic")


def test_staff_download_the_testing_compliance_report_as_csv(cast, tested):
    with time_machine.travel(NOON, tick=False):
        rows = _csv(_web(cast.coordinator).get("/exports/testing-compliance.csv"))
        page = _web(cast.coordinator).get("/exports/")
    assert b"Testing compliance" in page.content
    assert rows[0][4:] == [
        "Program",
        "From",
        "To",
        "Tests asked",
        "Given",
        "No-shows",
        "Excused",
        "All tests",
        "Compliance %",
    ]
    assert rows[1][0] == "A-0001"
    assert rows[1][5:] == ["2026-09-04", "2026-11-26", "1", "1", "0", "1", "1", "100"]
    assert len(rows) == 2
    assert AuditEvent.objects.filter(
        actor=cast.coordinator,
        action="export",
        object_type="interop.report.testing-compliance",
        client_id=cast.client.id,
    ).exists()


def test_the_testing_compliance_report_refuses_bad_periods_and_front_desk(cast, tested):
    web = _web(cast.coordinator)
    assert web.get("/exports/testing-compliance.csv", {"start": "26/11/2026"}).status_code == 400
    backwards = {"start": "2026-11-26", "end": "2026-11-01"}
    assert web.get("/exports/testing-compliance.csv", backwards).status_code == 400
    assert _web(cast.front_desk).get("/exports/testing-compliance.csv").status_code == 404
    other = {"program": cast.other_program.id}
    assert web.get("/exports/testing-compliance.csv", other).status_code == 404
