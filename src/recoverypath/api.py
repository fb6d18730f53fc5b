"""The /api/v1/ root: every app's endpoints and the OpenAPI schema."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from recoverypath.core.errors import json_404

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("recoverypath.accounts.api")),
    path("", include("recoverypath.clients.api")),
]

for _app in (
    "consent",
    "safety",
    "notifications",
    "alerts",
    "care",
    "scheduling",
    "assessments",
    "monitoring",
    "testing",
    "aftercare",
    "discharge",
    "earlywarning",
    "interop",
):
    try:
        urlpatterns.append(path("", include(f"recoverypath.{_app}.api")))
    except ModuleNotFoundError as exc:
        if exc.name != f"recoverypath.{_app}.api":
            raise

urlpatterns.append(path("<path:unknown>", json_404))
