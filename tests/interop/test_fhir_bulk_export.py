"""FHIR Bulk Data export: kick-off, polling, manifest, NDJSON that validates line by line,
requester-only downloads, _type and _since, cancel, one at a time, retention."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from recoverypath.accounts.models import User
from recoverypath.core.models import AuditEvent
from recoverypath.interop.fhir import bulk
from recoverypath.interop.models import BulkExport
from recoverypath.interop.tasks import bulk_exports_purge
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

ASYNC = {"HTTP_PREFER": "respond-async"}


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.BULK_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def admin(demo):
    return User.objects.get(email="admin.7@demo.example.org")


def _kick_off(api, url, capture, **params):
    with capture(execute=True):
        response = api.get(url, params, **ASYNC)
    return response


def _manifest(api, response):
    assert response.status_code == 202, response.content
    poll = response["Content-Location"]
    status = api.get(poll)
    assert status.status_code == 200, status.content
    return poll, status.json()


def test_a_system_export_writes_ndjson_per_type_that_validates(
    demo, admin, django_capture_on_commit_callbacks
):
    api = api_as(admin)
    _, manifest = _manifest(
        api, _kick_off(api, "/fhir/R4/$export", django_capture_on_commit_callbacks)
    )
    assert manifest["requiresAccessToken"] is True
    types = {entry["type"] for entry in manifest["output"]}
    assert {"Patient", "Observation", "QuestionnaireResponse", "Encounter", "Consent"} <= types
    for entry in manifest["output"]:
        download = api.get(entry["url"])
        assert download.status_code == 200
        assert download["Content-Type"] == "application/fhir+ndjson"
        lines = b"".join(download.streaming_content).decode().splitlines()
        assert len(lines) == entry["count"]
        model = get_fhir_model_class(entry["type"])
        for line in lines:
            body = json.loads(line)
            assert body["resourceType"] == entry["type"]
            model.model_validate(body)
    patients = next(e for e in manifest["output"] if e["type"] == "Patient")
    assert patients["count"] == 6 + 1  # and Maria Demo-Sample
    # Every client in the export has an export event in the audit trail (an accounting of it).
    assert AuditEvent.objects.filter(action="export", object_type="fhir.$export").count() == 6 + 1


def test_files_are_for_the_requester_only(demo, admin, cast, django_capture_on_commit_callbacks):
    api = api_as(admin)
    poll, manifest = _manifest(
        api, _kick_off(api, "/fhir/R4/$export", django_capture_on_commit_callbacks)
    )
    someone_else = api_as(User.objects.get(email="coordinator.7@demo.example.org"))
    for url in [poll, manifest["output"][0]["url"]]:
        response = someone_else.get(url)
        assert response.status_code == 404
        assert response.json()["resourceType"] == "OperationOutcome"
    assert api_as(None).get(poll).status_code == 401


def test_type_and_since_narrow_the_export(demo, admin, django_capture_on_commit_callbacks):
    api = api_as(admin)
    _, manifest = _manifest(
        api,
        _kick_off(
            api, "/fhir/R4/$export", django_capture_on_commit_callbacks, _type="Patient,Goal"
        ),
    )
    assert {e["type"] for e in manifest["output"]} <= {"Patient", "Goal"}
    future = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _, later = _manifest(
        api,
        _kick_off(api, "/fhir/R4/$export", django_capture_on_commit_callbacks, _since=future),
    )
    assert later["output"] == []


def test_group_export_is_one_program_for_its_admin_only(
    demo, admin, cast, django_capture_on_commit_callbacks
):
    program = demo.programs[0]
    api = api_as(admin)
    _, manifest = _manifest(
        api,
        _kick_off(
            api,
            f"/fhir/R4/Group/{program.id}/$export",
            django_capture_on_commit_callbacks,
            _type="Patient",
        ),
    )
    assert manifest["output"][0]["count"] == 3 + 1  # and Maria Demo-Sample (program 1)
    for user in (cast.admin, User.objects.get(email="clinician.7@demo.example.org")):
        response = api_as(user).get(f"/fhir/R4/Group/{program.id}/$export", **ASYNC)
        assert response.status_code == 404
        assert response.json()["resourceType"] == "OperationOutcome"


def test_kick_off_refusals_are_operation_outcomes(demo, admin, cast):
    api = api_as(admin)
    assert api.get("/fhir/R4/$export").status_code == 400  # no Prefer: respond-async
    assert api.get("/fhir/R4/$export", {"_type": "Medication"}, **ASYNC).status_code == 400
    assert api.get("/fhir/R4/$export", {"_since": "soon"}, **ASYNC).status_code == 400
    assert api.get("/fhir/R4/$export", {"_outputFormat": "csv"}, **ASYNC).status_code == 400
    assert api_as(cast.client_user).get("/fhir/R4/$export", **ASYNC).status_code == 403
    front_desk = api_as(cast.front_desk).get("/fhir/R4/Patient/$export", **ASYNC)
    assert front_desk.status_code == 403
    assert front_desk.json()["resourceType"] == "OperationOutcome"
    assert api_as(None).get("/fhir/R4/$export", **ASYNC).status_code == 401


def test_a_second_export_while_one_runs_is_429_and_delete_cancels(demo, admin):
    api = api_as(admin)
    first = api.get("/fhir/R4/$export", **ASYNC)  # on_commit not run: it stays queued
    assert first.status_code == 202
    poll = first["Content-Location"]
    progress = api.get(poll)
    assert progress.status_code == 202 and progress["X-Progress"]
    assert api.get("/fhir/R4/$export", **ASYNC).status_code == 429
    assert api.delete(poll).status_code == 202
    assert api.get(poll).status_code == 404
    export = BulkExport.objects.get()
    assert export.status == BulkExport.Status.CANCELLED
    assert bulk.export_run(export_id=str(export.id)) is None  # the worker finds it cancelled
    assert api.get("/fhir/R4/$export", **ASYNC).status_code == 202


def test_a_client_exports_only_their_own_record(cast, django_capture_on_commit_callbacks):
    api = api_as(cast.client_user)
    _, manifest = _manifest(
        api,
        _kick_off(
            api, "/fhir/R4/Patient/$export", django_capture_on_commit_callbacks, _type="Patient"
        ),
    )
    download = api.get(manifest["output"][0]["url"])
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [str(cast.client.id)]


def test_files_are_deleted_after_the_retention_period(
    demo, admin, settings, django_capture_on_commit_callbacks
):
    api = api_as(admin)
    _, manifest = _manifest(
        api, _kick_off(api, "/fhir/R4/$export", django_capture_on_commit_callbacks)
    )
    export = BulkExport.objects.get()
    folder = settings.BULK_EXPORT_DIR / str(export.id)
    assert any(folder.iterdir())
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert bulk_exports_purge.call_local() == 1
    assert not folder.exists()
    assert api.get(manifest["output"][0]["url"]).status_code == 404
