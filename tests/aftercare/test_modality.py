"""Coordinator check-ins in person, by video or by phone (a video one needs an https join link,
and the next check-in keeps the way the last one happened); support groups tagged women's,
LGBTQ+, online and so on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.test import Client as WebClient

from recoverypath.aftercare import services
from recoverypath.aftercare.models import CoordinatorCheckIn, PlanComponent
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

API = "/api/v1/aftercare-plans/"
LINK = "https://video.example.test/room/fictional-check-in"
ROLES = {
    "admin": 201,
    "clinician": 201,
    "coordinator": 201,
    "front_desk": 403,
    "client_user": 403,
    "other_program_clinician": 404,
    "outsider": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize(("who", "status"), ROLES.items())
def test_scheduling_a_video_check_in_over_the_api_by_role(cast, plan, who, status):
    api = api_as(None if who == "anonymous" else getattr(cast, who))
    body = {"scheduled_at": "2026-06-20T14:00:00Z", "modality": "video", "join_url": LINK}
    before = CoordinatorCheckIn.objects.count()
    with transaction.atomic():
        response = api.post(f"{API}{plan.id}/check-ins/", body, format="json")
        created = CoordinatorCheckIn.objects.count() - before
        transaction.set_rollback(True)
    assert response.status_code == status
    assert created == (1 if status == 201 else 0)
    if status == 201:
        assert (response.json()["modality"], response.json()["join_url"]) == ("video", LINK)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"modality": "video"}, "A video appointment needs its join link."),
        (
            {"modality": "video", "join_url": "http://video.example.test/x"},
            "The join link must be a secure address starting with https://.",
        ),
    ],
)
def test_a_video_check_in_without_an_https_link_is_a_400(cast, plan, body, message):
    before = CoordinatorCheckIn.objects.count()
    response = api_as(cast.coordinator).post(
        f"{API}{plan.id}/check-ins/",
        {"scheduled_at": "2026-06-20T14:00:00Z", **body},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["join_url"] == [message]
    assert CoordinatorCheckIn.objects.count() == before


def test_the_plan_page_schedules_a_phone_check_in(cast, plan):
    web = WebClient()
    web.force_login(cast.coordinator)
    response = web.post(
        f"/aftercare/plans/{plan.id}/check-ins/",
        {
            "date": "2026-06-22",
            "time": "15:30",
            "modality": "phone",
            "call_details": "+1 202 555 0188",
        },
    )
    assert response.status_code == 302
    item = CoordinatorCheckIn.objects.get(plan=plan, modality="phone")
    assert item.call_details == "+1 202 555 0188"
    page = web.get(f"/aftercare/plans/{plan.id}/").content.decode()
    assert "+1 202 555 0188" in page and "Schedule a check-in" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("front_desk", 403),
        ("client_user", 403),
        ("other_program_clinician", 404),
        ("outsider", 404),
    ],
)
def test_the_plan_page_refuses_scheduling_to_others(cast, plan, who, status):
    web = WebClient()
    web.force_login(getattr(cast, who))
    before = CoordinatorCheckIn.objects.count()
    response = web.post(
        f"/aftercare/plans/{plan.id}/check-ins/",
        {"date": "2026-06-22", "time": "15:30", "modality": "in_person"},
    )
    assert response.status_code == status
    assert CoordinatorCheckIn.objects.count() == before


def test_the_next_check_in_keeps_the_way_the_last_one_happened(cast, plan):
    CoordinatorCheckIn.objects.filter(plan=plan).delete()
    item = services.coordinator_check_in_schedule(
        actor=cast.coordinator,
        plan=plan,
        at=datetime(2026, 6, 15, 14, 0, tzinfo=UTC),
        modality="video",
        join_url=LINK,
    )
    services.coordinator_check_in_record(actor=cast.coordinator, check_in=item, status="attended")
    nxt = CoordinatorCheckIn.objects.get(plan=plan, status="scheduled")
    assert (nxt.modality, nxt.join_url) == ("video", LINK)


def test_support_groups_carry_tags_shown_to_the_client(cast, plan):
    response = api_as(cast.coordinator).post(
        f"{API}{plan.id}/components/",
        {
            "kind": "support_group",
            "group_type": "smart",
            "meeting_schedule": "Thu 6pm, online",
            "tags": ["online", "lgbtq"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["tags"] == ["lgbtq", "online"]
    assert PlanComponent.objects.get(pk=response.json()["id"]).tag_labels == ["LGBTQ+", "Online"]
    web = WebClient()
    web.force_login(cast.client_user)
    page = web.get("/me/support/").content.decode()
    assert "LGBTQ+" in page and "Online" in page


def test_an_unknown_support_group_tag_is_a_400(cast, plan):
    response = api_as(cast.coordinator).post(
        f"{API}{plan.id}/components/",
        {"kind": "support_group", "group_type": "aa", "tags": ["martians"]},
        format="json",
    )
    assert response.status_code == 400
    assert "tags" in str(response.json()["error"]["fields"])
