"""Routes of interop: the FHIR R4 API (/fhir/R4/), bulk export, calendar feeds and exports."""

from __future__ import annotations

from django.urls import path, re_path

from . import views
from .fhir import views as fhir_views
from .fhir.capability import READ_SEARCH_TYPES

app_name = "interop"

FHIR_ID = r"(?P<resource_id>[A-Za-z0-9\-.]{1,64})"

fhir_patterns = [path("fhir/R4/metadata", fhir_views.MetadataView.as_view(), name="fhir-metadata")]
for _type in READ_SEARCH_TYPES:
    fhir_patterns += [
        path(
            f"fhir/R4/{_type}",
            fhir_views.SearchView.as_view(resource_type=_type),
            name=f"fhir-search-{_type}",
        ),
        re_path(
            rf"^fhir/R4/{_type}/{FHIR_ID}$",
            fhir_views.ReadView.as_view(resource_type=_type),
            name=f"fhir-read-{_type}",
        ),
    ]
fhir_patterns.insert(
    1,
    re_path(
        r"^fhir/R4/Patient/(?P<resource_id>[0-9]{1,19})/\$everything$",
        fhir_views.EverythingView.as_view(),
        name="fhir-operation-Patient-everything",
    ),
)

UUID = r"(?P<export_id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
bulk_patterns = [
    re_path(
        r"^fhir/R4/\$export$",
        fhir_views.ExportKickOffView.as_view(level="system"),
        name="fhir-operation-System-export",
    ),
    re_path(
        r"^fhir/R4/Patient/\$export$",
        fhir_views.ExportKickOffView.as_view(level="patient"),
        name="fhir-operation-Patient-export",
    ),
    re_path(
        r"^fhir/R4/Group/(?P<program_id>[0-9]{1,18})/\$export$",
        fhir_views.ExportKickOffView.as_view(level="group"),
        name="fhir-operation-Group-export",
    ),
    re_path(
        rf"^fhir/R4/\$export-poll/{UUID}$",
        fhir_views.ExportStatusView.as_view(),
        name="fhir-bulk-status",
    ),
    re_path(
        rf"^fhir/R4/\$export-file/{UUID}/(?P<name>[A-Za-z]{{1,40}}\.ndjson)$",
        fhir_views.ExportFileView.as_view(),
        name="fhir-bulk-file",
    ),
]

urlpatterns = [
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    re_path(
        r"^calendar/feed/(?P<token>[A-Za-z0-9_\-]{20,100})\.ics$",
        views.calendar_feed,
        name="calendar_feed",
    ),
    path("my/records/", views.my_records, name="my_records"),
    path("my/records/record.json", views.my_records_json, name="my_records_json"),
    path("my/records/record.pdf", views.my_records_pdf, name="my_records_pdf"),
    path("exports/", views.reports, name="reports"),
    re_path(r"^exports/(?P<key>[a-z\-]{1,40})\.csv$", views.report_download, name="report_csv"),
    *bulk_patterns,
    *fhir_patterns,
    re_path(r"^fhir/R4/(?P<unknown>.*)$", fhir_views.UnknownView.as_view(), name="fhir-unknown"),
]
