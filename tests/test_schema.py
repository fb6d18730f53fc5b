"""The OpenAPI schema covers every app and builds without a single warning."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_openapi_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for endpoint in (
        "/api/v1/clients/",
        "/api/v1/alerts/",
        "/api/v1/assessments/",
        "/api/v1/check-ins/",
        "/api/v1/auth/token/",
    ):
        assert f"{endpoint}:" in schema, endpoint
