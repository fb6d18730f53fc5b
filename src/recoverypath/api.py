"""The /api/v1/ root: every app's endpoints and the OpenAPI schema."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from recoverypath.core.errors import json_404
from recoverypath.core.routers import app_includes

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Every app's endpoints, in ARCHITECTURE.md's order.
    *app_includes("api"),
]

urlpatterns.append(path("<path:unknown>", json_404))
