"""The family view: a family member sees every consented category and nothing else, on every
family page and endpoint; revocation and expiry take effect on the next request; every
disclosure is logged; a consent missing an element is refused naming it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as WebClient
from django.utils import timezone

from recoverypath.consent.family import registered_categories
from recoverypath.consent.models import Category, Consent, Disclosure, FamilyMessage
from recoverypath.consent.notices import part2_notice
from recoverypath.consent.selectors import consent_check
from recoverypath.consent.services import (
    consent_create,
    consent_link_recipient,
    consent_revoke,
    family_invite,
)
from recoverypath.core.models import AuditEvent
from recoverypath.core.timezones import local_today
from recoverypath.core.todo import todo_list
from tests.conftest import api_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = local_today("America/New_York")
LABELS = {value: str(label) for value, label in Category.choices}


def family_consent(cast, categories, **overrides) -> Consent:
    data = dict(
        recipient_name="Marlow Quillfeather (sister)",
        recipient_kind="family",
        categories=list(categories),
        information_description="; ".join(LABELS.get(c, c) for c in categories),
        purposes=["family_involvement"],
        revocation_right_explained=True,
        how_to_revoke="Tap Revoke in RecoveryPath.",
        expires_on=TODAY + timedelta(days=60),
        signed_by_name="Juniper Quillfeather",
        signature_attested=True,
        signed_on=TODAY,
    )
    data.update(overrides)
    return consent_create(actor=cast.client_user, client=cast.client, **data)


@pytest.fixture
def sister(db):
    return UserFactory(email="marlow@test.example.org", first_name="Marlow")


def family_urls(client_id: int) -> list[str]:
    return [
        "/family/",
        f"/family/clients/{client_id}/download/",
        "/api/v1/family/",
        f"/api/v1/family/clients/{client_id}/",
    ]


def shown_categories(url: str, response) -> set[str]:
    """The categories a family endpoint's answer shows, read the way a person would."""
    if url.startswith("/api/"):
        body = response.json()
        assert body["notice"] == part2_notice()
        return {s["category"] for c in body["clients"] for s in c["sections"]}
    text = response.content.decode()
    assert part2_notice() in text
    if url.endswith("/download/"):
        lines = {line.strip() for line in text.splitlines()}
        return {c for c, label in LABELS.items() if label in lines}
    return set(re.findall(r'data-category="([a-z_]+)"', text))


def fetch(user, url: str):
    if url.startswith("/api/"):
        return api_as(user).get(url)
    web = WebClient()
    web.force_login(user)
    return web.get(url)


def test_session_notes_are_never_a_category():
    assert "session_notes" not in Category.values
    assert set(registered_categories()) >= {
        "attendance",
        "schedule",
        "check_ins",
        "sobriety",
        "assessment_scores",
        "discharge_summary",
        "aftercare_plan",
    }


@pytest.mark.parametrize("category", registered_categories())
def test_a_family_member_sees_exactly_the_consented_category_on_every_endpoint(
    cast, sister, category
):
    consent = family_consent(cast, [category])
    consent_link_recipient(consent_id=consent.id, user=sister)
    for url in family_urls(cast.client.id):
        response = fetch(sister, url)
        assert response.status_code == 200, url
        assert shown_categories(url, response) == {category}, url


def test_several_categories_of_one_client_and_never_another_client(cast, sister):
    consent_link_recipient(
        consent_id=family_consent(cast, ["attendance", "sobriety"]).id, user=sister
    )
    body = fetch(sister, "/api/v1/family/").json()
    assert [c["client"] for c in body["clients"]] == [cast.client.id]
    assert {s["category"] for s in body["clients"][0]["sections"]} == {"attendance", "sobriety"}
    other = cast.other_program_client.id
    assert fetch(sister, f"/api/v1/family/clients/{other}/").status_code == 404
    assert fetch(sister, f"/family/clients/{other}/download/").status_code == 404


@pytest.mark.parametrize("ending", ["revoked", "expired", "expired_by_event"])
def test_a_revoked_or_expired_consent_blocks_every_family_endpoint_on_the_next_request(
    cast, sister, ending
):
    consent = family_consent(cast, registered_categories())
    consent_link_recipient(consent_id=consent.id, user=sister)
    for url in family_urls(cast.client.id):
        assert shown_categories(url, fetch(sister, url)) == set(registered_categories())

    travel = None
    if ending == "revoked":
        consent_revoke(actor=cast.client_user, consent=consent)
    elif ending == "expired":
        travel = time_machine.travel(timezone.now() + timedelta(days=62))
        travel.start()
    else:
        from recoverypath.consent.services import consent_expire

        consent_expire(actor=cast.coordinator, consent=consent, note="Aftercare finished")
    try:
        before = Disclosure.objects.count()
        page = fetch(sister, "/family/")
        assert page.status_code == 200
        assert shown_categories("/family/", page) == set()
        assert b"Nothing is shared with you right now" in page.content
        listing = fetch(sister, "/api/v1/family/")
        assert listing.status_code == 200 and listing.json()["clients"] == []
        assert fetch(sister, f"/api/v1/family/clients/{cast.client.id}/").status_code == 404
        assert fetch(sister, f"/family/clients/{cast.client.id}/download/").status_code == 404
        assert Disclosure.objects.count() == before
        for category in registered_categories():
            assert consent_check(client=cast.client, recipient=sister, category=category) is None
    finally:
        if travel is not None:
            travel.stop()


def test_nothing_else_of_the_record_reaches_a_family_member(cast, sister):
    consent_link_recipient(consent_id=family_consent(cast, registered_categories()).id, user=sister)
    web = WebClient()
    web.force_login(sister)
    for url in (
        "/me/",
        "/me/consents/",
        "/me/disclosures/",
        "/clients/",
        f"/clients/{cast.client.id}/",
        "/todo/",
        "/audit/",
        f"/staff/programs/{cast.program.id}/",
    ):
        assert web.get(url).status_code == 404, url
    api = api_as(sister)
    for url in ("/api/v1/clients/", "/api/v1/consents/"):
        response = api.get(url)
        assert response.status_code == 200 and response.json()["results"] == [], url
    assert api.get(f"/api/v1/clients/{cast.client.id}/").status_code == 404
    assert web.get("/")["Location"] == "/family/"


def test_every_family_view_is_logged_as_a_disclosure_under_its_consent(cast, sister):
    consent = family_consent(cast, ["attendance", "sobriety"])
    consent_link_recipient(consent_id=consent.id, user=sister)
    for url in family_urls(cast.client.id):
        fetch(sister, url)
    rows = list(Disclosure.objects.filter(client=cast.client).order_by("id"))
    assert len(rows) == 2 * len(family_urls(cast.client.id))
    assert {(r.category, r.consent_id, r.recipient_user_id) for r in rows} == {
        ("attendance", consent.id, sister.id),
        ("sobriety", consent.id, sister.id),
    }
    assert all(r.notice == part2_notice() for r in rows)
    assert AuditEvent.objects.filter(
        action="disclose", actor=sister, client_id=cast.client.id
    ).count() == len(rows)
    web = WebClient()
    web.force_login(cast.client_user)
    page = web.get("/me/disclosures/").content.decode()
    assert "Marlow Quillfeather (sister)" in page
    assert "Attendance" in page and "Sobriety days and milestones" in page


ELEMENTS = [
    ("patient_name", {"patient_name": ""}, "patient's name"),
    ("disclosing_party", {"disclosing_party": ""}, "who is authorized"),
    ("categories", {"categories": []}, "information to share"),
    ("information_description", {"information_description": ""}, "description"),
    ("recipient_name", {"recipient_name": ""}, "the recipient"),
    ("purposes", {"purposes": []}, "purpose"),
    ("how_to_revoke", {"revocation_right_explained": False}, "right to revoke"),
    ("expires_on", {"expires_on": None, "expiration_event": ""}, "expiration"),
    ("signed_by_name", {"signed_by_name": ""}, "signature"),
    ("signature_attested", {"signature_attested": False}, "attestation"),
]


@pytest.mark.parametrize(("field", "overrides", "named"), ELEMENTS)
def test_a_consent_missing_a_required_element_is_refused_naming_it(cast, field, overrides, named):
    overrides = dict(overrides)
    categories = overrides.pop("categories", ["attendance"])
    with pytest.raises(ValidationError) as refused:
        family_consent(cast, categories, **overrides)
    messages = refused.value.message_dict[field]
    assert any(named in m for m in messages), messages
    assert not Consent.objects.exists()


def test_session_notes_cannot_be_consented(cast):
    with pytest.raises(ValidationError) as refused:
        family_consent(cast, ["attendance", "session_notes"])
    assert "Session notes are never shared" in refused.value.message_dict["categories"][0]


def test_the_api_names_the_missing_element(cast):
    response = api_as(cast.coordinator).post(
        "/api/v1/consents/",
        {
            "client": cast.client.id,
            "recipient_name": "Birchlight Counseling (fictional)",
            "information_description": "Discharge summary",
            "categories": ["discharge_summary"],
            "purposes": ["treatment"],
            "revocation_right_explained": True,
            "how_to_revoke": "Write to the program director.",
            "expires_on": (TODAY + timedelta(days=30)).isoformat(),
            "signed_by_name": "Juniper Quillfeather",
            "signed_on": TODAY.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "attestation" in response.json()["error"]["fields"]["signature_attested"][0]


def test_the_client_signs_invites_and_revokes_from_their_phone(
    cast, django_capture_on_commit_callbacks
):
    web = WebClient()
    web.force_login(cast.client_user)
    refused = web.post(
        "/me/consents/new/",
        {
            "recipient_name": "Marlow Quillfeather",
            "relationship": "sister",
            "categories": ["attendance", "sobriety"],
            "purpose": "family_involvement",
            "expires_on": (TODAY + timedelta(days=90)).isoformat(),
            "revocation_right_explained": "on",
            "signed_by_name": "Juniper Quillfeather",
        },
    )
    assert refused.status_code == 200
    assert b"attestation" in refused.content
    signed = web.post(
        "/me/consents/new/",
        {
            "recipient_name": "Marlow Quillfeather",
            "relationship": "sister",
            "categories": ["attendance", "sobriety"],
            "purpose": "family_involvement",
            "expires_on": (TODAY + timedelta(days=90)).isoformat(),
            "revocation_right_explained": "on",
            "signed_by_name": "Juniper Quillfeather",
            "signature_attested": "on",
        },
    )
    assert signed.status_code == 302
    consent = Consent.objects.get()
    assert consent.categories == ["attendance", "sobriety"]
    assert consent.recipient_kind == "family" and consent.signer_is_patient
    with django_capture_on_commit_callbacks(execute=True):
        web.post(f"/me/consents/{consent.id}/invite/", {"email": "marlow@test.example.org"})
    token = re.search(r"/invite/([A-Za-z0-9_-]+)/", mail.outbox[-1].body).group(1)
    other = WebClient()
    accepted = other.post(
        f"/invite/{token}/",
        {
            "first_name": "Marlow",
            "password": "willow-bright-canal-5",
            "password2": "willow-bright-canal-5",
        },
    )
    assert accepted.status_code == 302 and accepted["Location"] == "/family/"
    assert shown_categories("/family/", other.get("/family/")) == {"attendance", "sobriety"}
    web.post(f"/me/consents/{consent.id}/revoke/")
    consent.refresh_from_db()
    assert consent.status == "revoked"
    assert shown_categories("/family/", other.get("/family/")) == set()


def test_another_client_cannot_touch_my_consents(cast):
    consent = family_consent(cast, ["attendance"])
    stranger = UserFactory()
    from tests.factories import ClientFactory

    ClientFactory(program=cast.program, user=stranger)
    web = WebClient()
    web.force_login(stranger)
    assert web.post(f"/me/consents/{consent.id}/revoke/").status_code == 404
    assert (
        web.post(f"/me/consents/{consent.id}/invite/", {"email": "x@test.example.org"}).status_code
        == 404
    )
    consent.refresh_from_db()
    assert consent.status == "active"


def test_staff_see_consents_and_expiring_ones_are_on_the_coordinators_to_do(cast):
    family_consent(cast, ["attendance"], expires_on=TODAY + timedelta(days=10))
    family_consent(cast, ["sobriety"], expires_on=TODAY + timedelta(days=40))
    labels = [i.label for i in todo_list(user=cast.coordinator) if i.kind == "consent.expiring"]
    assert len(labels) == 1 and "Marlow Quillfeather (sister)" in labels[0]
    web = WebClient()
    web.force_login(cast.coordinator)
    page = web.get(f"/clients/{cast.client.id}/").content.decode()
    assert "Shares: Attendance" in page and "Shares: Sobriety days and milestones" in page


def test_family_messages_reach_the_care_team(cast, sister):
    consent_link_recipient(consent_id=family_consent(cast, ["attendance"]).id, user=sister)
    web = WebClient()
    web.force_login(sister)
    web.post(
        f"/family/clients/{cast.client.id}/message/", {"body": "Can we join a family session?"}
    )
    message = FamilyMessage.objects.get()
    assert message.sender == sister
    assert any(i.kind == "consent.family_message" for i in todo_list(user=cast.coordinator))
    staff = WebClient()
    staff.force_login(cast.coordinator)
    assert (
        "Can we join a family session?" in staff.get(f"/clients/{cast.client.id}/").content.decode()
    )
    staff.post(f"/consent/messages/{message.id}/handled/")
    message.refresh_from_db()
    assert message.handled_by == cast.coordinator


def test_family_invitation_needs_a_family_consent_and_one_login(cast, sister):
    provider_consent = family_consent(cast, ["discharge_summary"], recipient_kind="provider")
    with pytest.raises(ValidationError):
        family_invite(actor=cast.client_user, consent=provider_consent, email="a@test.example.org")
    consent = family_consent(cast, ["attendance"])
    consent_link_recipient(consent_id=consent.id, user=sister)
    from recoverypath.core.errors import ConflictError

    consent.refresh_from_db()
    with pytest.raises(ConflictError):
        family_invite(actor=cast.client_user, consent=consent, email="b@test.example.org")


def test_the_family_api_runs_a_fixed_number_of_queries(cast, sister, django_assert_num_queries):
    """Same count with one category or all of them shown twice over: no query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consent = family_consent(cast, registered_categories())
    consent_link_recipient(consent_id=consent.id, user=sister)
    api = api_as(sister)
    api.get("/api/v1/family/")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as first:
        api.get("/api/v1/family/")
    family_consent(cast, ["attendance", "sobriety"])  # a second, unlinked consent changes nothing
    with CaptureQueriesContext(connection) as second:
        api.get("/api/v1/family/")
    assert len(first) == len(second)
    inserts = [q for q in first.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 2  # disclosures and audit events, one INSERT each


def test_a_family_member_named_by_two_clients_sees_each_ones_categories(cast, sister):
    from tests.factories import ClientFactory

    brother = ClientFactory(program=cast.program, first_name="Rowan", last_name="Quillfeather")
    consent_link_recipient(consent_id=family_consent(cast, ["attendance"]).id, user=sister)
    second = consent_create(
        actor=cast.coordinator,
        client=brother,
        recipient_name="Marlow Quillfeather (sister)",
        recipient_kind="family",
        categories=["schedule"],
        information_description="Appointments and schedule",
        purposes=["family_involvement"],
        revocation_right_explained=True,
        how_to_revoke="In writing.",
        expiration_event="When Rowan finishes aftercare",
        signed_by_name="Rowan Quillfeather",
        signature_attested=True,
        signed_on=TODAY,
    )
    consent_link_recipient(consent_id=second.id, user=sister)
    body = fetch(sister, "/api/v1/family/").json()
    shown = {c["client"]: {s["category"] for s in c["sections"]} for c in body["clients"]}
    assert shown == {cast.client.id: {"attendance"}, brother.id: {"schedule"}}
    page = fetch(sister, "/family/").content.decode()
    assert "Rowan Quillfeather" in page and "Juniper Quillfeather" in page


def test_staff_invite_the_family_member_with_the_client_present(
    cast, django_capture_on_commit_callbacks
):
    consent = family_consent(cast, ["attendance"])
    front = WebClient()
    front.force_login(cast.front_desk)
    assert (
        front.post(f"/consent/{consent.id}/invite/", {"email": "m@test.example.org"}).status_code
        == 404
    )
    web = WebClient()
    web.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        web.post(f"/consent/{consent.id}/invite/", {"email": "marlow@test.example.org"})
    assert mail.outbox[-1].to == ["marlow@test.example.org"]
    assert "/invite/" in mail.outbox[-1].body


def test_a_revoked_consent_also_closes_the_message_form(cast, sister):
    consent = family_consent(cast, ["attendance"])
    consent_link_recipient(consent_id=consent.id, user=sister)
    consent_revoke(actor=cast.client_user, consent=consent)
    web = WebClient()
    web.force_login(sister)
    response = web.post(f"/family/clients/{cast.client.id}/message/", {"body": "Hello?"})
    assert response.status_code == 404
    assert not FamilyMessage.objects.exists()


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("client", True),
        ("coordinator", True),
        ("admin", True),
        ("front_desk", False),
        ("other_program", False),
        ("outsider", False),
    ],
)
def test_the_accounting_of_disclosures_api_is_scoped(cast, sister, role, sees):
    consent_link_recipient(consent_id=family_consent(cast, ["attendance"]).id, user=sister)
    fetch(sister, "/family/")
    body = api_as(cast.person(role)).get("/api/v1/disclosures/").json()
    rows = body["results"]
    assert bool(rows) == sees
    if sees:
        assert rows[0]["category"] == "attendance"
        assert rows[0]["recipient_name"] == "Marlow Quillfeather (sister)"
    assert api_as(sister).get("/api/v1/disclosures/").json()["results"] == []
