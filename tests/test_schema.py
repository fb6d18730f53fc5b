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


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_the_one_error_shape():
    schema = _schema()
    operations = [
        (method, path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) > 100
    for method, path, operation in operations:
        for status in ("400", "401", "403", "404", "409", "429"):
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path)
        if "requestBody" in operation:
            assert "415" in operation["responses"], (method, path)
        if method == "post":  # an Idempotency-Key reused for another request
            assert "422" in operation["responses"], (method, path)


def test_the_error_component_describes_what_the_api_answers(cast):
    import jsonschema

    from tests.conftest import api_as

    error = _schema()["components"]["schemas"]["Error"]
    answers = [
        api_as(None).get("/api/v1/clients/"),
        api_as(cast.client_user).get("/api/v1/audit-events/"),
        api_as(cast.admin).get("/api/v1/clients/999999/"),
        api_as(cast.admin).get("/api/v1/clients/", {"program": "x"}),
        api_as(cast.admin).post("/api/v1/no-such-thing/\n", {}),
    ]
    assert [a.status_code for a in answers] == [401, 403, 404, 400, 404]
    for answer in answers:
        assert answer["Content-Type"] == "application/json"
        jsonschema.validate(answer.json(), error)


def test_local_times_and_blank_urls_have_schemas_that_accept_what_drf_writes():
    import jsonschema

    components = _schema()["components"]["schemas"]
    start_time = components["Group"]["properties"]["start_time"]
    telehealth_url = components["Session"]["properties"]["telehealth_url"]
    checker = jsonschema.FormatChecker()
    for value in ("13:00:00", "07:30"):
        jsonschema.validate(value, start_time, format_checker=checker)
    for value in ("", "https://meet.example.org/room-1"):
        jsonschema.validate(value, telehealth_url, format_checker=checker)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate("25:00:00", start_time, format_checker=checker)
