"""The attendance sheet and the group roster answer in the shapes the OpenAPI schema gives them:
GET a page, PUT the rows saved as a plain array, POST a new enrollment 201."""

from __future__ import annotations

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import api_as

from .conftest import make_clients
from .test_write_access import world  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema understands it."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _conforms(openapi: dict, path: str, method: str, response) -> None:
    status = str(response.status_code)
    schema = openapi["paths"][path][method]["responses"][status]["content"]["application/json"]
    document = _json_schema({**schema["schema"], "components": openapi["components"]})
    jsonschema.validate(response.json(), document, format_checker=jsonschema.FormatChecker())


def test_the_attendance_sheet_reads_as_a_page_and_writes_as_an_array(cast, world, openapi):  # noqa: F811
    url = f"/api/v1/sessions/{world['session'].id}/attendance/"
    rows = {"rows": [{"client_id": cast.client.id, "status": "present"}]}
    written = api_as(cast.clinician).put(url, rows, format="json")
    assert written.status_code == 200, written.json()
    assert isinstance(written.json(), list)
    _conforms(openapi, "/api/v1/sessions/{id}/attendance/", "put", written)
    read = api_as(cast.clinician).get(url)
    assert read.json()["count"] == 1
    _conforms(openapi, "/api/v1/sessions/{id}/attendance/", "get", read)


def test_the_group_roster_reads_as_a_page_and_an_enrollment_is_created(cast, world, openapi):  # noqa: F811
    group = world["group"]
    url = f"/api/v1/groups/{group.id}/enrollments/"
    other = make_clients(cast, 1)[0]
    created = api_as(cast.front_desk).post(url, {"client": other.id}, format="json")
    assert created.status_code == 201, created.json()
    _conforms(openapi, "/api/v1/groups/{id}/enrollments/", "post", created)
    roster = api_as(cast.front_desk).get(url)
    assert other.id in [entry["client"] for entry in roster.json()["results"]]
    _conforms(openapi, "/api/v1/groups/{id}/enrollments/", "get", roster)
