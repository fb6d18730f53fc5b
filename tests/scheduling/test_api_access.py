"""Every read endpoint of care and scheduling over the whole cast."""

from __future__ import annotations

from datetime import date

import pytest

from recoverypath.scheduling import services
from tests.conftest import api_as

from .conftest import past_session

pytestmark = pytest.mark.django_db

STAFF = {"admin", "clinician", "coordinator", "front_desk"}
CLINICAL = {"admin", "clinician"}


@pytest.fixture
def world(cast, iop, group_factory):
    group = group_factory()
    services.group_enroll(
        actor=cast.front_desk, group=group, client=cast.client, on_date=date(2026, 1, 5)
    )
    session = past_session(cast, group)
    note = services.note_create(actor=cast.clinician, session=session, client=cast.client)
    return {"group": group, "session": session, "note": note, "episode": iop}


# endpoint -> (url builder, roles that get 200; everyone else gets 404 or 401/403 if anonymous)
ENDPOINTS = {
    "episode": (lambda w, c: f"/api/v1/episodes/{w['episode'].id}/", STAFF | {"client_user"}),
    "group": (lambda w, c: f"/api/v1/groups/{w['group'].id}/", STAFF),
    "enrollments": (lambda w, c: f"/api/v1/groups/{w['group'].id}/enrollments/", STAFF),
    "session": (lambda w, c: f"/api/v1/sessions/{w['session'].id}/", STAFF | {"client_user"}),
    "attendance": (lambda w, c: f"/api/v1/sessions/{w['session'].id}/attendance/", STAFF),
    "note": (lambda w, c: f"/api/v1/clinical-notes/{w['note'].id}/", CLINICAL),
    "summary": (
        lambda w, c: f"/api/v1/attendance-summary/{c.client.id}/",
        STAFF | {"client_user"},
    ),
}
LISTS = [
    "/api/v1/episodes/",
    "/api/v1/groups/",
    "/api/v1/sessions/",
    "/api/v1/clinical-notes/",
    "/api/v1/rooms/",
    "/api/v1/holidays/",
    "/api/v1/levels-of-care/",
]
ROLES = [
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "client_user",
    "other_program_clinician",
    "outsider",
    "anonymous",
]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_what_it_may_from_every_endpoint(cast, world, role):
    api = api_as(None if role == "anonymous" else getattr(cast, role))
    wrong = {}
    anonymous = role == "anonymous"
    for name, (build, allowed) in ENDPOINTS.items():
        status = api.get(build(world, cast)).status_code
        expected = {401, 403} if anonymous else {200} if role in allowed else {404}
        if status not in expected:
            wrong[name] = status
    for url in LISTS:
        status = api.get(url).status_code
        if status not in ({401, 403} if anonymous else {200}):
            wrong[url] = status
    assert wrong == {}
