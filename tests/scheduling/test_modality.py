"""Sessions and groups in person, by video or by phone; a video one needs an https join link;
groups carry tags (women's, LGBTQ+, online...) that filter the list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as WebClient

from recoverypath.scheduling import selectors, services
from recoverypath.scheduling.models import Group, Session
from tests.conftest import api_as

from .test_write_access import _check, _expect, _outcomes

pytestmark = pytest.mark.django_db

LINK = "https://video.example.test/room/fictional-group"


@pytest.fixture
def world(cast, iop):
    """The client in IOP, and a free evening four days on (03:00 UTC)."""
    start = (datetime.now(tz=UTC) + timedelta(days=4)).replace(
        hour=3, minute=0, second=0, microsecond=0
    )
    return {"start": start, "episode": iop}


def _booking(cast, world, **extra):
    start = world["start"].isoformat()
    return {
        "client": cast.client.id,
        "facilitator": cast.clinician.id,
        "session_type": "individual_counseling",
        "starts_at": start,
        **extra,
    }


def test_every_staff_role_books_a_video_session_and_others_cannot(cast, world):
    body = _booking(cast, world, modality="video", telehealth_url=LINK)
    seen = _outcomes(cast, lambda api: api.post("/api/v1/sessions/", body, format="json"))
    staff = {"admin": 201, "clinician": 201, "coordinator": 201, "front_desk": 201}
    _check(
        seen,
        _expect(**staff, client_user=403, other_program_clinician=400, outsider=400),
    )


def test_a_booked_video_session_says_so_in_the_api(cast, world):
    body = _booking(cast, world, modality="video", telehealth_url=LINK)
    response = api_as(cast.front_desk).post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["modality"], data["telehealth_url"]) == ("video", LINK)
    # the client reads it too
    own = api_as(cast.client_user).get(f"/api/v1/sessions/{data['id']}/").json()
    assert own["modality"] == "video"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"modality": "video"}, "A video appointment needs its join link."),
        (
            {"modality": "video", "telehealth_url": "http://video.example.test/room/1"},
            "The join link must be a secure address starting with https://.",
        ),
    ],
)
def test_a_video_booking_without_an_https_link_is_a_400_naming_the_link(
    cast, world, extra, message
):
    body = _booking(cast, world, **extra)
    response = api_as(cast.front_desk).post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["telehealth_url"] == [message]
    assert not Session.objects.filter(modality="video").exists()


def test_an_unknown_modality_is_a_400(cast, world):
    body = _booking(cast, world, modality="hologram")
    response = api_as(cast.front_desk).post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400
    assert "modality" in response.json()["error"]["fields"]


def test_in_person_drops_a_link_and_phone_keeps_its_number(cast, world, room):
    body = _booking(cast, world, modality="in_person", room=room.id, telehealth_url=LINK)
    data = api_as(cast.front_desk).post("/api/v1/sessions/", body, format="json").json()
    assert (data["modality"], data["telehealth_url"]) == ("in_person", "")
    session = Session.objects.get(pk=data["id"])
    services.session_cancel(actor=cast.front_desk, session=session, reason="Moved to phone")
    body = _booking(cast, world, modality="phone", call_details="+1 202 555 0143")
    data = api_as(cast.front_desk).post("/api/v1/sessions/", body, format="json").json()
    assert (data["modality"], data["call_details"]) == ("phone", "+1 202 555 0143")


def test_a_booking_without_a_modality_keeps_the_old_meaning_of_a_link(cast, world):
    body = _booking(cast, world, telehealth_url=LINK)
    data = api_as(cast.front_desk).post("/api/v1/sessions/", body, format="json").json()
    assert data["modality"] == "video"


def test_the_booking_page_books_a_video_session(cast, world):
    web = WebClient()
    web.force_login(cast.front_desk)
    day = (world["start"] + timedelta(days=2)).date()
    response = web.post(
        "/schedule/book/",
        {
            "client": cast.client.id,
            "session_type": "individual_counseling",
            "facilitator": cast.clinician.id,
            "date": day.isoformat(),
            "time": "19:00",
            "duration_minutes": 50,
            "modality": "video",
            "telehealth_url": "",
        },
    )
    assert response.status_code == 200  # the form again, with the service's message
    assert "A video appointment needs its join link." in response.content.decode()


def test_a_video_group_passes_its_modality_and_link_to_its_sessions(cast, group_factory):
    group = group_factory(room=None, modality="video", telehealth_url=LINK, tags=["online"])
    session = group.sessions.first()
    assert session is not None
    assert (session.modality, session.join_url) == ("video", LINK)
    services.group_update(actor=cast.clinician, group=group, modality="phone", call_details="x")
    future = group.sessions.filter(starts_at__gt=session.starts_at).first()
    if future is not None:  # generated sessions still to come follow the group
        future.refresh_from_db()
        assert (future.modality, future.telehealth_url) == ("phone", "")


def test_group_tags_are_checked(cast, group_factory):
    with pytest.raises(ValidationError) as exc:
        group_factory(tags=["women", "martians"])
    assert "tags" in exc.value.message_dict
    assert not Group.objects.exists()


def test_groups_filter_by_tag_in_the_selector_the_api_and_the_page(cast, group_factory):
    women = group_factory(name="Women's circle", tags=["online", "women"])
    group_factory(name="Men's evening group", tags=["men"])
    assert women.tags == ["women", "online"]
    assert [g.name for g in selectors.group_list(user=cast.clinician, tag="women")] == [
        "Women's circle"
    ]
    api = api_as(cast.front_desk)
    listed = api.get("/api/v1/groups/", {"tag": "women"}).json()["results"]
    assert [g["name"] for g in listed] == ["Women's circle"]
    assert listed[0]["tags"] == ["women", "online"]
    assert api.get("/api/v1/groups/", {"tag": "martians"}).status_code == 400
    web = WebClient()
    web.force_login(cast.front_desk)
    page = web.get("/schedule/groups/", {"tag": "men"}).content.decode()
    assert "Men&#x27;s evening group" in page and "Women&#x27;s circle" not in page
    assert "Men&#x27;s</span>" in page


def test_the_group_list_api_runs_the_same_queries_with_a_tag(
    cast, group_factory, django_assert_num_queries
):
    api = api_as(cast.front_desk)
    group_factory(name="One", tags=["women"])
    api.get("/api/v1/groups/", {"tag": "women"})  # warm up
    few = _count(api)
    for n in range(3):
        group_factory(name=f"More {n}", tags=["women"])
    with django_assert_num_queries(few):
        response = api.get("/api/v1/groups/", {"tag": "women"})
    assert response.json()["count"] == 4


def _count(api) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        api.get("/api/v1/groups/", {"tag": "women"})
    return len(ctx.captured_queries)
