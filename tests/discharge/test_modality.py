"""A referral's first appointment in person, by video (an https join link) or by phone; the
provider directory lists and filters each provider's modalities."""

from __future__ import annotations

import pytest
from django.db import transaction

from recoverypath.aftercare.models import ExternalProvider
from recoverypath.discharge import services
from recoverypath.discharge.models import Referral
from tests.conftest import api_as

from .conftest import appointment_at
from .test_access import ANON, CLIENT, OUTSIDER, ROLES, _expect

pytestmark = pytest.mark.django_db

LINK = "https://video.example.test/room/fictional-first-visit"
API_HIDDEN = {ANON: 403, CLIENT: 404, "front_desk": 404, "other_program": 404, OUTSIDER: 404}


@pytest.fixture
def referral(cast, plan, provider):
    return services.referral_create(actor=cast.coordinator, client=cast.client, provider=provider)


@pytest.mark.parametrize("role", ROLES)
def test_booking_a_video_first_appointment_over_the_api_by_role(cast, plan, referral, role):
    api = api_as(cast.person(role))
    body = {
        "to": "appointment_booked",
        "appointment_at": appointment_at(plan.target_graduation_date).isoformat(),
        "appointment_modality": "video",
        "join_url": LINK,
    }
    with transaction.atomic():
        response = api.post(f"/api/v1/referrals/{referral.id}/transition/", body, format="json")
        booked = Referral.objects.get(pk=referral.pk)
        transaction.set_rollback(True)
    table = {**API_HIDDEN, "admin": 200, "clinician": 200, "coordinator": 200, "*": 404}
    expected = _expect(table, role)
    assert response.status_code == expected or (role == ANON and response.status_code == 401)
    if expected == 200:
        assert response.json()["appointment_modality"] == "video"
        assert (booked.appointment_modality, booked.join_url) == ("video", LINK)
    else:
        assert booked.status == "sent"


def test_a_video_first_appointment_without_an_https_link_is_refused(cast, plan, referral):
    body = {
        "to": "appointment_booked",
        "appointment_at": appointment_at(plan.target_graduation_date).isoformat(),
        "appointment_modality": "video",
        "join_url": "http://video.example.test/room/1",
    }
    response = api_as(cast.coordinator).post(
        f"/api/v1/referrals/{referral.id}/transition/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "join_url": ["The join link must be a secure address starting with https://."]
    }
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_a_referral_created_booked_by_phone_keeps_the_number_not_a_link(cast, plan, provider):
    response = api_as(cast.coordinator).post(
        "/api/v1/referrals/",
        {
            "client": cast.client.id,
            "provider": provider.id,
            "appointment_at": appointment_at(plan.target_graduation_date).isoformat(),
            "appointment_modality": "phone",
            "join_url": LINK,
            "call_details": "+1 202 555 0177",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["appointment_modality"], data["join_url"], data["call_details"]) == (
        "phone",
        "",
        "+1 202 555 0177",
    )


def test_the_referral_page_books_a_video_first_appointment(client, cast, plan, referral):
    client.force_login(cast.coordinator)
    when = appointment_at(plan.target_graduation_date).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/discharge/referrals/{referral.id}/",
        {"to": "appointment_booked", "appointment_at": when, "appointment_modality": "video"},
    )
    assert "A video appointment needs its join link." in response.content.decode()
    client.post(
        f"/discharge/referrals/{referral.id}/",
        {
            "to": "appointment_booked",
            "appointment_at": when,
            "appointment_modality": "video",
            "join_url": LINK,
        },
    )
    referral.refresh_from_db()
    assert (referral.status, referral.appointment_modality, referral.join_url) == (
        "appointment_booked",
        "video",
        LINK,
    )


def test_providers_list_and_filter_by_modality_over_the_api(cast, provider):
    api = api_as(cast.coordinator)
    created = api.post(
        "/api/v1/external-providers/",
        {"name": "Harbor Phone Line (fictional)", "kind": "other", "modalities": ["phone"]},
        format="json",
    )
    assert created.status_code == 201
    assert (created.json()["modalities"], created.json()["telehealth"]) == (["phone"], False)
    by_phone = api.get("/api/v1/external-providers/", {"modality": "phone"}).json()["results"]
    assert [p["name"] for p in by_phone] == ["Harbor Phone Line (fictional)"]
    assert api.get("/api/v1/external-providers/", {"modality": "fax"}).status_code == 400
    refused = api.post(
        "/api/v1/external-providers/",
        {"name": "Nowhere (fictional)", "kind": "other", "modalities": ["fax"]},
        format="json",
    )
    assert refused.status_code == 400


def test_the_older_telehealth_flag_adds_or_removes_video(cast, provider):
    api = api_as(cast.coordinator)
    url = f"/api/v1/external-providers/{provider.id}/"
    provider.modalities = ["in_person", "video"]
    provider.save(update_fields=["modalities"])
    assert api.patch(url, {"telehealth": False}, format="json").json()["modalities"] == [
        "in_person"
    ]
    data = api.patch(url, {"telehealth": True}, format="json").json()
    assert (data["modalities"], data["telehealth"]) == (["in_person", "video"], True)


def test_the_migration_gives_each_provider_modalities_from_its_telehealth_flag(cast):
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "recoverypath.aftercare.migrations.0006_provider_modalities_from_telehealth"
    )
    org = cast.program.organization
    rows = {
        "video only": ExternalProvider.objects.create(organization=org, name="A", telehealth=True),
        "both": ExternalProvider.objects.create(
            organization=org, name="B", telehealth=True, address="3 Fictional Lane"
        ),
        "in person": ExternalProvider.objects.create(organization=org, name="C"),
        "already set": ExternalProvider.objects.create(
            organization=org, name="D", modalities=["phone"]
        ),
    }
    migration.modalities_from_telehealth(apps, None)
    got = {key: ExternalProvider.objects.get(pk=p.pk).modalities for key, p in rows.items()}
    assert got == {
        "video only": ["video"],
        "both": ["in_person", "video"],
        "in person": ["in_person"],
        "already set": ["phone"],
    }
