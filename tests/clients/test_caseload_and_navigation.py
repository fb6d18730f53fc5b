"""The caseload (search, filter, sort, pages), role-aware navigation and the client's home."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client as WebClient

from recoverypath.clients import services
from tests.factories import ClientFactory


def _web(user) -> WebClient:
    web = WebClient()
    web.force_login(user)
    return web


def _nav(response) -> list[str]:
    return [item.label for item in response.context["nav_items"]]


def test_a_client_sees_home_but_no_staff_links(cast):
    response = _web(cast.client_user).get("/me/")
    nav = _nav(response)
    assert "Home" in nav
    assert not {"Caseload", "To do", "Audit log"} & set(nav)
    assert b">Caseload<" not in response.content


def test_staff_see_the_caseload_and_only_admins_the_audit_log(cast):
    for user, audit in (
        (cast.admin, True),
        (cast.clinician, False),
        (cast.coordinator, False),
        (cast.front_desk, False),
    ):
        nav = _nav(_web(user).get("/clients/"))
        assert "Caseload" in nav and "To do" in nav
        assert ("Audit log" in nav) is audit
        assert "Home" not in nav


def test_the_current_page_is_marked_in_the_navigation(cast):
    response = _web(cast.clinician).get("/clients/")
    assert b'href="/clients/" aria-current="page"' in response.content


def test_the_caseload_searches_by_name_and_by_exact_mrn(cast):
    ClientFactory(program=cast.program, first_name="Thistle", last_name="Puddingstone", mrn="X-77")
    web = _web(cast.clinician)
    names = lambda q: [c.last_name for c in web.get("/clients/", {"q": q}).context["page"]]  # noqa: E731
    assert names("quill") == ["Quillfeather"]
    assert names("Thistle pudding") == ["Puddingstone"]
    assert names("x-77") == ["Puddingstone"]
    assert names("X-7") == []
    assert names("Mossbottom") == []  # program B's client is not in program A's caseload


def test_the_caseload_filters_by_program_and_clinician_and_sorts(cast):
    from recoverypath.accounts.models import Membership

    Membership.objects.create(user=cast.admin, program=cast.other_program, role="admin")
    ClientFactory(program=cast.program, last_name="Applethwaite", primary_clinician=None)
    web = _web(cast.admin)
    page = lambda **q: [c.last_name for c in web.get("/clients/", q).context["page"]]  # noqa: E731
    assert page() == ["Applethwaite", "Mossbottom", "Quillfeather"]
    assert page(sort="-name") == ["Quillfeather", "Mossbottom", "Applethwaite"]
    assert page(program=cast.other_program.id) == ["Mossbottom"]
    assert page(clinician=cast.clinician.id) == ["Quillfeather"]
    assert page(program=cast.outsider_program.id) == page()  # not theirs: filter ignored


def test_the_caseload_is_paginated(cast):
    for _ in range(30):
        ClientFactory(program=cast.program)
    web = _web(cast.clinician)
    first = web.get("/clients/")
    assert len(first.context["page"].object_list) == 25
    assert b'rel="next"' in first.content
    second = web.get("/clients/", {"page": 2})
    assert len(second.context["page"].object_list) == 6
    assert web.get("/clients/", {"page": 999}).context["page"].number == 2


def test_an_htmx_search_returns_only_the_table(cast):
    response = _web(cast.clinician).get("/clients/", {"q": "Juniper"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Quillfeather" in response.content


@time_machine.travel("2026-06-15 03:30:00+00:00", tick=False)
def test_the_client_home_counts_sober_days_in_the_clients_own_time_zone(cast):
    from datetime import date

    # 03:30 UTC on June 15 is still June 14 in Los Angeles.
    services.client_update(
        actor=cast.admin,
        client=cast.client,
        time_zone="America/Los_Angeles",
        sobriety_date=date(2026, 6, 1),
    )
    response = _web(cast.client_user).get("/me/")
    assert response.context["sobriety_days"] == 13
    assert b'data-testid="sobriety-days">13<' in response.content


def test_a_user_without_a_program_or_record_is_told_so(db):
    from tests.factories import UserFactory

    response = _web(UserFactory()).get("/")
    assert response.status_code == 403
    assert b"no access yet" in response.content


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", ""])
def test_a_service_call_with_a_bad_time_zone_is_a_validation_error(cast, zone):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.client_update(actor=cast.admin, client=cast.client, time_zone=zone)
    assert "time_zone" in caught.value.message_dict
