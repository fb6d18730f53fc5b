"""The /api/v1/ root: every app's endpoints and the OpenAPI schema."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from recoverypath.core.errors import json_404
from recoverypath.core.routers import app_includes

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Every app's endpoints, in ARCHITECTURE.md's order.
    *app_includes("api"),
]

# Anything else under /api/v1/, whatever it holds (a newline too), is a JSON 404.
urlpatterns.append(re_path(r"^(?P<unknown>(?s:.*))$", json_404))
