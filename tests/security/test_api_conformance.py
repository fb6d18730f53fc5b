"""Every API operation, fuzzed by schemathesis for a client, a clinician and an admin, answers
without a server error and exactly as the OpenAPI schema says (status, content type, headers,
body).

Runs in-process against the WSGI app on a freshly migrated test database seeded with a small demo
(`make security`; excluded from `make test` by its marker). Bounded and deterministic: a fixed
number of examples per operation and role, derandomized generation, no example database, no
shrinking.
"""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conformance_stats import STATS

# django_db: each operation-and-role test runs in a transaction rolled back afterwards, so every
# test starts from the same seeded demo whatever ran before it.
pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

# Fixed for CI; raise it locally (SCHEMATHESIS_EXAMPLES=100) to dig deeper.
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
DEMO_CLIENTS = 10
DEMO_SEED = 11
ROLES = ("client", "clinician", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def _schema_dict() -> dict[str, Any]:
    """The schema /api/v1/schema/ serves, built without a request (no database at collection)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


SCHEMA = _schema_dict()
OPERATIONS = [
    (method.upper(), path)
    for path, operations in SCHEMA["paths"].items()
    for method in operations
    if method in HTTP_METHODS
]


# Ids in request bodies and query filters that, in some cases, name an object the role can reach
# instead of a random number, so that writes and filtered lists get past "not found" and their
# success bodies are checked.
BODY_ID_LISTS = {
    "client": "/api/v1/clients/",
    "session": "/api/v1/sessions/",
    "provider": "/api/v1/external-providers/",
    "room": "/api/v1/rooms/",
    "referral": "/api/v1/referrals/",
}


def _first_id(body: Any) -> int | str | None:
    results = body.get("results", body) if isinstance(body, dict) else body
    found = results[0].get("id") if isinstance(results, list) and results else None
    return found if isinstance(found, int | str) else None


class Api:
    """The seeded app: its schemathesis schema, a token per role, real ids per role."""

    def __init__(self) -> None:
        from recoverypath.accounts.models import User
        from recoverypath.demo.generator import DEMO_PASSWORD, build

        result = build(clients=DEMO_CLIENTS, seed=DEMO_SEED)
        emails = {}
        for login in result.logins:
            emails.setdefault(login.role, login.email)
        self.app = WSGIHandler()
        self.schema = schemathesis.openapi.from_dict(SCHEMA)
        self.schema.app = self.app
        self.credentials = {role: (emails[role], DEMO_PASSWORD) for role in ROLES}
        self.headers = {role: self.sign_in(role) for role in ROLES}
        self.program_id = result.programs[0].id
        self.clinician_id = User.objects.get(email=emails["clinician"]).id
        self._first: dict[tuple[str, str], int | str | None] = {}

    def sign_in(self, role: str) -> dict[str, str]:
        """A token through the public token endpoint, whatever the token model is."""
        email, password = self.credentials[role]
        client = schemathesis.python.wsgi.get_client(self.app)
        response = client.post("/api/v1/auth/token/", json={"email": email, "password": password})
        assert response.status_code == 200, (role, response.get_data(as_text=True))
        return {"Authorization": f"Token {response.get_json()['token']}"}

    def first(self, role: str, url: str) -> int | str | None:
        """The id of the first object the role sees at `url` (a list, cached)."""
        key = (role, url)
        if key not in self._first:
            client = schemathesis.python.wsgi.get_client(self.app)
            response = client.get(url, headers=self.headers[role])
            ok = response.status_code == 200
            self._first[key] = _first_id(response.get_json(silent=True)) if ok else None
        return self._first[key]

    def real_id(self, role: str, path: str) -> int | str | None:
        """An `{id}` for `path` that names an object the role may reach, if there is one."""
        match = re.match(r"^(/api/v1/[^{}]+/)\{id\}/", path)
        if not match:
            return None
        prefix = match.group(1)
        if prefix == "/api/v1/early-warning-rules/":
            return self.program_id
        if prefix == "/api/v1/attendance-summary/":
            return self.first(role, "/api/v1/clients/")
        if prefix == "/api/v1/group-enrollments/":
            group = self.first(role, "/api/v1/groups/")
            return group and self.first(role, f"/api/v1/groups/{group}/enrollments/")
        if prefix in ("/api/v1/discharge-items/", "/api/v1/discharge-summaries/"):
            return self._discharge_id(role, prefix)
        return self.first(role, prefix) if prefix in SCHEMA["paths"] else None

    def _discharge_id(self, role: str, prefix: str) -> int | None:
        from recoverypath.discharge.models import ChecklistItem, DischargeSummary

        plan = self.first(role, "/api/v1/discharge-plans/")
        model = ChecklistItem if prefix.endswith("items/") else DischargeSummary
        found = model.objects.filter(plan_id=plan).order_by("id").first() if plan else None
        return found.id if found else None

    def body_ids(self, role: str) -> dict[str, int | str | None]:
        staff = {name: self.clinician_id for name in ("facilitator", "assignee")}
        staff |= {name: self.clinician_id for name in ("coordinator", "primary_clinician")}
        listed = {name: self.first(role, url) for name, url in BODY_ID_LISTS.items()}
        return {"program": self.program_id, **staff, **listed}


def _with_ids(case, ids: dict[str, int | str | None], filters: set[str]):
    """The case with every id in its body made a real one, and every id filter the operation
    takes (`filters`) set to a real one."""
    for name, value in ids.items():
        if value is None:
            continue
        if isinstance(case.body, dict) and name in case.body:
            case.body[name] = value
        if name in filters:
            case.query = {**(case.query or {}), name: value}
    return case


@pytest.fixture(scope="module")
def api(django_db_setup, django_db_blocker):
    """The demo, committed once for the module; each test's own writes are rolled back."""
    # As Django's test client does: a request must not close the connection that holds the
    # test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock():
            yield Api()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _strategy(api: Api, role: str, method: str, path: str):
    """Positive and negative cases; and, when the role can reach one, the same with a real
    `{id}` in the path and real ids in the body (positive cases only)."""
    operation = api.schema[path][method]
    positive, negative = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
    ids = api.body_ids(role)
    filters = {
        parameter["name"]
        for parameter in SCHEMA["paths"][path][method.lower()].get("parameters", [])
        if parameter["in"] == "query"
    }
    strategies = [
        operation.as_strategy(generation_mode=positive),
        operation.as_strategy(generation_mode=negative),
        operation.as_strategy(generation_mode=positive).map(
            lambda case: _with_ids(case, ids, filters)
        ),
    ]
    real = api.real_id(role, path)
    if real is not None:
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters={"id": real})
            for mode in (positive, negative)
        ]
        strategies.append(
            operation.as_strategy(generation_mode=positive, path_parameters={"id": real}).map(
                lambda case: _with_ids(case, ids, filters)
            )
        )
    return st.one_of(strategies)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_operation_answers_as_its_schema_says(
    api, role, method, path, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    count = 0

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=_strategy(api, role, method, path))
    def run(case):
        nonlocal count
        count += 1
        headers = api.headers[role]
        # What the services defer to commit (notices, signals' tasks) runs after each call.
        with django_capture_on_commit_callbacks(execute=True):
            response = case.call(headers=headers)
        if response.status_code == 401:
            # A fuzzed call may have revoked this role's token: sign in again, once.
            api.headers[role] = headers = api.sign_in(role)
            with django_capture_on_commit_callbacks(execute=True):
                response = case.call(headers=headers)
        STATS.answer(method, path, role, response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except BaseException:
        STATS.record(method, path, role, count, time.monotonic() - started, failed=True)
        raise
    STATS.record(method, path, role, count, time.monotonic() - started, failed=False)
