"""A program admin sets the program's two-factor grace period and idle sign-out; the sign-in
lists (tokens, signed-in browsers, staff two-factor) load in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from recoverypath.core.models import AuditEvent
from tests.conftest import api_as
from tests.factories import enrol_two_factor, staff


def test_a_program_admin_sets_the_grace_period_and_idle_sign_out(cast):
    web = WebClient()
    web.force_login(cast.admin)
    page = web.get("/staff/two-factor/")
    assert b"Sign-in settings of your programs" in page.content
    response = web.post(
        f"/staff/programs/{cast.program.id}/sign-in/",
        {"two_factor_grace_days": 3, "idle_timeout_minutes": 20},
    )
    assert response.status_code == 302
    cast.program.refresh_from_db()
    assert (cast.program.two_factor_grace_days, cast.program.idle_timeout_minutes) == (3, 20)
    event = AuditEvent.objects.get(actor=cast.admin, object_type="accounts.program")
    assert event.changes["idle_timeout_minutes"] == [15, 20]
    # The next sign-in of its staff carries the new limit.
    clinician = WebClient()
    clinician.force_login(cast.clinician)
    assert b'data-idle-timeout="1200"' in clinician.get("/clients/").content


def test_out_of_range_settings_are_refused_with_a_message(cast):
    web = WebClient()
    web.force_login(cast.admin)
    response = web.post(
        f"/staff/programs/{cast.program.id}/sign-in/",
        {"two_factor_grace_days": 400, "idle_timeout_minutes": 1},
        follow=True,
    )
    assert b"Not saved" in response.content
    cast.program.refresh_from_db()
    assert cast.program.idle_timeout_minutes == 15


@pytest.mark.parametrize("role", ["clinician", "front_desk", "outsider", "client", "other_program"])
def test_only_the_programs_admin_changes_its_sign_in_settings(cast, role):
    web = WebClient()
    web.force_login(cast.person(role))
    response = web.post(
        f"/staff/programs/{cast.program.id}/sign-in/",
        {"two_factor_grace_days": 0, "idle_timeout_minutes": 2},
    )
    assert response.status_code == 404
    cast.program.refresh_from_db()
    assert cast.program.idle_timeout_minutes == 15


def test_the_token_list_loads_in_fixed_queries(cast, django_assert_num_queries):
    api = api_as(cast.clinician)
    for n in range(3):
        api_as(None).post(
            "/api/v1/auth/token/",
            {"email": cast.clinician.email, "password": cast.password, "name": f"t{n}"},
            format="json",
        )
    with django_assert_num_queries(2):  # count + page
        response = api.get("/api/v1/auth/tokens/")
    assert response.json()["count"] == 3


def test_the_staff_two_factor_list_loads_in_fixed_queries(cast, django_assert_num_queries):
    web = WebClient()
    web.force_login(cast.admin)
    web.get("/staff/two-factor/")

    def measure() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert web.get("/staff/two-factor/").status_code == 200
        return len(queries)

    before = measure()
    for n in range(4):
        enrol_two_factor(staff(cast.program, "clinician", email=f"extra{n}@test.example.org"))
    assert measure() == before


def test_the_security_page_loads_in_fixed_queries(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_token_and_session(name: str) -> None:
        api_as(None).post(
            "/api/v1/auth/token/",
            {"email": cast.clinician.email, "password": cast.password, "name": name},
            format="json",
        )
        cast.clinician.refresh_from_db()  # the password check re-hashed the test hash
        WebClient().force_login(cast.clinician)

    def measure() -> int:
        web = WebClient()
        web.force_login(cast.clinician)
        web.get("/accounts/security/")
        with CaptureQueriesContext(connection) as queries:
            assert web.get("/accounts/security/").status_code == 200
        return len(queries)

    add_token_and_session("first")
    before = measure()
    for n in range(3):
        add_token_and_session(f"t{n}")
    assert measure() == before
