"""The FHIR R4 endpoints under /fhir/R4/: thin DRF views over fhir.service. Authentication is
DRF's configured classes (the same tokens as /api/v1); every error is an OperationOutcome."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from recoverypath.core.errors import is_service_unavailable

from ..models import BulkExport
from . import bulk
from .capability import capability_statement
from .service import FhirError, patient_everything, resource_read, resource_search

FHIR_JSON = "application/fhir+json"


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir+json"


def operation_outcome(status: int, message: str, code: str = "processing") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error" if status < 500 else "fatal",
                "code": code,
                "diagnostics": message,
            }
        ],
    }


def fhir_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    headers: dict[str, str] = {}
    if isinstance(exc, FhirError):
        status, message, code = exc.status, exc.message, exc.code
    elif isinstance(exc, Http404):
        status, message, code = 404, "No such resource.", "not-found"
    elif isinstance(exc, PermissionDenied):
        status, message, code = 403, str(exc) or "Not allowed.", "forbidden"
    elif isinstance(exc, exceptions.APIException):
        status = exc.status_code
        message = str(exc.detail)
        code = {401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported"}.get(
            status, "processing"
        )
        if auth_header := getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = auth_header
        if wait := getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(wait))
    elif is_service_unavailable(exc):
        status, message, code = 503, "Briefly unavailable; try again soon.", "transient"
        headers["Retry-After"] = "30"
    else:
        return None
    return Response(
        operation_outcome(status, message, code),
        status=status,
        headers=headers,
        content_type=FHIR_JSON,
    )


class FhirView(APIView):
    renderer_classes = [FhirJSONRenderer, JSONRenderer]
    permission_classes: list = []
    # Described by its CapabilityStatement (/fhir/R4/metadata), not the /api/v1 OpenAPI schema.
    schema = None

    def get_exception_handler(self):
        return fhir_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.requires_login and not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()

    requires_login = True

    def base_url(self) -> str:
        return self.request.build_absolute_uri("/fhir/R4").rstrip("/")

    @staticmethod
    def fhir(resource, status: int = 200) -> HttpResponse:
        return HttpResponse(resource.model_dump_json(), status=status, content_type=FHIR_JSON)


class MetadataView(FhirView):
    """The CapabilityStatement: public, as FHIR clients read it before they authenticate."""

    requires_login = False

    def get(self, request):
        return self.fhir(capability_statement())


class SearchView(FhirView):
    resource_type = ""

    def get(self, request):
        params = [(k, v) for k, values in request.GET.lists() for v in values]
        bundle = resource_search(
            user=request.user,
            resource_type=self.resource_type,
            params=params,
            base=self.base_url(),
        )
        return self.fhir(bundle)


class ReadView(FhirView):
    resource_type = ""

    def get(self, request, resource_id: str):
        resource = resource_read(
            user=request.user, resource_type=self.resource_type, resource_id=resource_id
        )
        return self.fhir(resource)


class EverythingView(FhirView):
    def get(self, request, resource_id: str):
        return self.fhir(
            patient_everything(user=request.user, client_id=resource_id, base=self.base_url())
        )


class UnknownView(FhirView):
    """Anything else under /fhir/R4/: an OperationOutcome 404, never an HTML page."""

    requires_login = False

    def get(self, request, unknown: str = ""):
        raise FhirError(404, f"Not served: {unknown!r}.", code="not-supported")

    post = put = patch = delete = get


def outcome_json(status: int, message: str, code: str) -> str:
    return json.dumps(operation_outcome(status, message, code))


# --- Bulk Data export --------------------------------------------------------------------------


class ExportKickOffView(FhirView):
    """`$export` at system, group (a program) or patient level: 202 + Content-Location."""

    level = ""

    def get(self, request, program_id: str | None = None):
        export = bulk.export_kick_off(
            user=request.user,
            level=self.level,
            params={k: v for k, v in request.GET.items()},
            prefer=request.headers.get("Prefer", ""),
            request_url=request.build_absolute_uri(),
            program_id=int(program_id) if program_id else None,
        )
        response = HttpResponse(status=202)
        response["Content-Location"] = f"{self.base_url()}/$export-poll/{export.id}"
        return response


class ExportStatusView(FhirView):
    """Polling: 202 with X-Progress while it runs, 200 with the manifest when done; DELETE
    cancels. Only the requester sees their export."""

    def get(self, request, export_id: str):
        export = bulk.export_get(user=request.user, export_id=export_id)
        status = export.status
        if status in (BulkExport.Status.QUEUED, BulkExport.Status.RUNNING):
            response = HttpResponse(status=202)
            total = export.clients_total
            response["X-Progress"] = (
                f"{export.clients_done} of {total} clients" if total else "queued"
            )
            response["Retry-After"] = "10"
            return response
        if status == BulkExport.Status.COMPLETED:
            return HttpResponse(
                json.dumps(bulk.export_manifest(export=export, base=self.base_url())),
                content_type="application/json",
            )
        if status == BulkExport.Status.FAILED:
            raise FhirError(500, export.error or "The export failed.", code="exception")
        raise FhirError(
            404, f"This export is {export.get_status_display().lower()}.", code="not-found"
        )

    def delete(self, request, export_id: str):
        bulk.export_cancel(user=request.user, export_id=export_id)
        return HttpResponse(status=202)


class ExportFileView(FhirView):
    def get(self, request, export_id: str, name: str):
        _, _, path = bulk.export_file_path(user=request.user, export_id=export_id, name=name)
        response = FileResponse(path.open("rb"), content_type="application/fhir+ndjson")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
