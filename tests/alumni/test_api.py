"""The alumni API: the same steps as the pages (join, volunteer, ask, agree, approve, events,
news, help), first names only, ids in bodies resolved within reach, every role's access, and
lists in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recoverypath.alerts.models import Alert
from recoverypath.alumni import services
from recoverypath.alumni.models import Event, Member, MentorMatch, MentorOffer
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as

from .conftest import client_with_login, graduate

pytestmark = pytest.mark.django_db
API = "/api/v1/"


def _join(person, listed: bool = True) -> Member:
    return services.member_join(actor=person.user, client=person, listed=listed, about="Gardener")


@pytest.fixture
def approved_offer(cast, alumni) -> MentorOffer:
    rowan = alumni["rowan"]
    offer = services.mentor_volunteer(actor=rowan.user, member=_join(rowan), note="Two years")
    return services.mentor_offer_decide(actor=cast.coordinator, offer=offer, approve=True)


def test_an_alumnus_joins_volunteers_and_is_matched_with_first_names_only(cast, alumni):
    rowan, tansy = alumni["rowan"], alumni["tansy"]
    mentor, mentee, staff = api_as(rowan.user), api_as(tansy.user), api_as(cast.coordinator)
    assert mentor.get(f"{API}alumni/membership/").json() == {"eligible": True, "member": None}
    joined = mentor.post(f"{API}alumni/membership/", {"listed": True, "about": "Gardener"})
    assert joined.status_code == 200
    assert joined.json()["member"]["status"] == "active"
    offered = mentor.post(f"{API}alumni-mentor-offers/", {"note": "Two years sober"})
    assert offered.status_code == 201
    offer_id = offered.json()["id"]
    assert mentee.get(f"{API}alumni-mentors/").json()["results"] == []  # not approved yet
    pending = staff.get(f"{API}alumni-mentor-offers/").json()["results"]
    assert [row["id"] for row in pending] == [offer_id]
    decided = staff.post(f"{API}alumni-mentor-offers/{offer_id}/decide/", {"approve": True})
    assert decided.json()["status"] == "approved"
    mentors = mentee.get(f"{API}alumni-mentors/").json()["results"]
    assert mentors == [{"id": offer_id, "first_name": "Rowan", "note": "Two years sober"}]
    asked = mentee.post(f"{API}alumni-mentor-matches/", {"offer": offer_id})
    assert asked.status_code == 201
    match_id = asked.json()["id"]
    assert (
        mentor.post(f"{API}alumni-mentor-matches/{match_id}/agree/", {"agree": True}).status_code
        == 200
    )
    approved = staff.post(f"{API}alumni-mentor-matches/{match_id}/approve/", {"approve": True})
    assert approved.json()["status"] == "active"
    for side in (mentor, mentee):
        body = side.get(f"{API}alumni-mentor-matches/").content.decode()
        assert '"mentor_first_name":"Rowan"' in body
        assert '"mentee_first_name":"Tansy"' in body
        assert "Thistledown" not in body and "Wickerbee" not in body


def test_a_client_cannot_ask_a_mentor_out_of_reach(cast, alumni, approved_offer):
    outsider = client_with_login(cast.other_program, "Yarrow", "Elsewhere", "B-0777")
    answer = api_as(outsider.user).post(
        f"{API}alumni-mentor-matches/", {"offer": approved_offer.id}
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"offer": ["Not found."]}
    own = api_as(alumni["rowan"].user).post(
        f"{API}alumni-mentor-matches/", {"offer": approved_offer.id}
    )
    assert own.json()["error"]["fields"] == {"offer": ["Not found."]}
    assert not MentorMatch.objects.exists()


def test_a_mentor_agrees_only_to_their_own_requests(cast, alumni, approved_offer):
    match = services.mentor_ask(
        actor=alumni["tansy"].user, client=alumni["tansy"], offer=approved_offer
    )
    sorrel = alumni["sorrel"]
    _join(sorrel)
    answer = api_as(sorrel.user).post(
        f"{API}alumni-mentor-matches/{match.id}/agree/", {"agree": True}
    )
    assert answer.status_code == 404
    settled = api_as(alumni["rowan"].user).post(
        f"{API}alumni-mentor-matches/{match.id}/agree/", {"agree": False}
    )
    assert settled.json()["status"] == "declined"
    again = api_as(alumni["rowan"].user).post(
        f"{API}alumni-mentor-matches/{match.id}/agree/", {"agree": True}
    )
    assert again.status_code == 400


def test_staff_post_events_and_news_and_members_answer_and_ask_for_help(cast, alumni):
    rowan = alumni["rowan"]
    _join(rowan)
    staff, member = api_as(cast.coordinator), api_as(rowan.user)
    starts = (timezone.now() + timedelta(days=3)).isoformat()
    created = staff.post(
        f"{API}alumni-events/",
        {"program": cast.program.id, "title": "Picnic", "starts_at": starts, "place": "Park"},
    )
    assert created.status_code == 201, created.json()
    event_id = created.json()["id"]
    rows = member.get(f"{API}alumni-events/").json()["results"]
    assert [(r["id"], r["going"]) for r in rows] == [(event_id, False)]
    assert member.post(f"{API}alumni-events/{event_id}/rsvp/", {"going": True}).json()["going"]
    assert member.get(f"{API}alumni-events/").json()["results"][0]["going"] is True
    assert staff.get(f"{API}alumni-events/").json()["results"][0]["going_count"] == 1
    news = staff.post(
        f"{API}alumni-announcements/",
        {"program": cast.program.id, "title": "Hello", "body": "Welcome, alumni."},
    )
    assert news.status_code == 201
    assert [r["title"] for r in member.get(f"{API}alumni-announcements/").json()["results"]] == [
        "Hello"
    ]
    assert staff.post(f"{API}alumni-announcements/{news.json()['id']}/hide/").status_code == 200
    assert member.get(f"{API}alumni-announcements/").json()["results"] == []
    helped = member.post(f"{API}alumni/help/", {"message": "A hard week"})
    assert helped.status_code == 201
    assert Alert.objects.get(pk=helped.json()["alert"]).client_id == rowan.id
    left = member.post(f"{API}alumni/membership/leave/")
    assert left.json()["member"]["status"] == "left"
    assert member.get(f"{API}alumni-events/").status_code == 403


def test_staff_cannot_write_to_another_programs_community(cast, alumni):
    starts = (timezone.now() + timedelta(days=3)).isoformat()
    answer = api_as(cast.other_program_clinician).post(
        f"{API}alumni-events/",
        {"program": cast.program.id, "title": "Picnic", "starts_at": starts, "place": "Park"},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"program": ["Not found."]}
    assert not Event.objects.exists()


def test_joining_before_iop_is_finished_is_a_400_and_a_suspended_member_cannot_act(cast, alumni):
    tansy = api_as(alumni["tansy"].user)
    early = tansy.post(f"{API}alumni/membership/", {"listed": True})
    assert early.status_code == 400
    member = _join(alumni["rowan"])
    suspended = api_as(cast.coordinator).post(
        f"{API}alumni-members/{member.id}/suspend/", {"reason": "Posted a phone number"}
    )
    assert suspended.json()["status"] == "suspended"
    assert api_as(alumni["rowan"].user).post(f"{API}alumni/help/").status_code == 403


def test_the_directory_shows_listed_members_to_listed_members_only(cast, alumni):
    _join(alumni["rowan"])
    _join(alumni["sorrel"], listed=False)
    juniper = api_as(cast.client_user)
    _join(cast.client)
    listed = juniper.get(f"{API}alumni/directory/").json()["results"]
    assert listed == [{"first_name": "Rowan", "about": "Gardener"}]
    before = AuditEvent.objects.filter(client_id=alumni["rowan"].id).count()
    api_as(alumni["sorrel"].user).get(f"{API}alumni/directory/")
    assert api_as(alumni["sorrel"].user).get(f"{API}alumni/directory/").json()["results"] == []
    juniper.get(f"{API}alumni/directory/")
    assert AuditEvent.objects.filter(client_id=alumni["rowan"].id).count() == before + 1


# --- Every role over every endpoint ------------------------------------------------------------


@pytest.fixture
def family(cast):
    """Juniper's sister, linked to a family consent that names every category."""
    from recoverypath.consent.family import registered_categories
    from recoverypath.consent.services import consent_link_recipient
    from tests.consent.test_family_view import family_consent
    from tests.factories import UserFactory

    sister = UserFactory(email="marlow@test.example.org", first_name="Marlow")
    consent = family_consent(cast, registered_categories())
    consent_link_recipient(consent_id=consent.id, user=sister)
    return sister


@pytest.fixture
def world(cast, alumni, approved_offer):
    """Rowan an approved mentor, Tansy's request, an event and a notice of program A."""
    match = services.mentor_ask(
        actor=alumni["tansy"].user, client=alumni["tansy"], offer=approved_offer
    )
    event = services.event_create(
        actor=cast.coordinator,
        program=cast.program,
        title="Picnic",
        starts_at=timezone.now() + timedelta(days=2),
        place="Park",
    )
    notice = services.announcement_post(
        actor=cast.coordinator, program=cast.program, title="Hi", body="Welcome."
    )
    return {"offer": approved_offer, "match": match, "event": event, "notice": notice}


ROLES = ["client", "alumnus", "other_program", "family", "anonymous"]
# (method, path, body) -> expected status per role, in ROLES' order. The client is Juniper
# (finished IOP, never joined); the alumnus is Rowan (a listed member and approved mentor).
CASES = [
    ("get", "alumni/membership/", None, [200, 200, 403, 403, 401]),
    ("get", "alumni/directory/", None, [200, 200, 403, 403, 401]),
    ("post", "alumni/help/", {}, [403, 201, 403, 403, 401]),
    ("post", "alumni/membership/leave/", {}, [403, 200, 403, 403, 401]),
    ("get", "alumni-announcements/", None, [403, 200, 200, 403, 401]),
    ("post", "alumni-announcements/{notice}/hide/", {}, [403, 403, 404, 403, 401]),
    ("get", "alumni-events/", None, [403, 200, 200, 403, 401]),
    ("post", "alumni-events/{event}/rsvp/", {"going": True}, [403, 200, 403, 403, 401]),
    ("get", "alumni-members/", None, [403, 403, 200, 403, 401]),
    ("post", "alumni-members/{member}/suspend/", {"reason": "x"}, [403, 403, 404, 403, 401]),
    ("get", "alumni-mentors/", None, [200, 200, 403, 403, 401]),
    ("get", "alumni-mentor-offers/", None, [403, 200, 200, 403, 401]),
    ("post", "alumni-mentor-offers/", {"note": "x"}, [403, 200, 403, 403, 401]),
    ("post", "alumni-mentor-offers/{offer}/decide/", {"approve": 1}, [403, 403, 404, 403, 401]),
    ("get", "alumni-mentor-matches/", None, [200, 200, 200, 403, 401]),
    ("post", "alumni-mentor-matches/{match}/agree/", {"agree": 1}, [403, 200, 403, 403, 401]),
    ("post", "alumni-mentor-matches/{match}/approve/", {"approve": 1}, [403, 403, 404, 403, 401]),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), CASES, ids=[c[1] for c in CASES])
def test_every_role_gets_what_it_may_on_every_alumni_endpoint(
    cast, alumni, world, family, method, path, body, expected
):
    people = {
        "client": cast.client_user,
        "alumnus": alumni["rowan"].user,
        "other_program": cast.other_program_clinician,
        "family": family,
        "anonymous": None,
    }
    ids = {
        "notice": world["notice"].id,
        "event": world["event"].id,
        "member": world["offer"].member_id,
        "offer": world["offer"].id,
        "match": world["match"].id,
    }
    url = API + path.format(**ids)
    got = []
    for role in ROLES:
        caller = api_as(people[role])
        response = caller.get(url) if method == "get" else caller.post(url, body, format="json")
        got.append(response.status_code)
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}
    assert got == expected


def test_staff_of_the_program_moderate(cast, alumni, world):
    staff = api_as(cast.coordinator)
    assert staff.get(f"{API}alumni-members/").json()["count"] == 1
    answer = staff.post(f"{API}alumni-mentor-matches/{world['match'].id}/approve/", {"approve": 1})
    assert answer.json()["approved_at"] is not None
    front_desk = api_as(cast.front_desk)
    assert front_desk.get(f"{API}alumni-members/").status_code == 403


# --- Fixed query counts -------------------------------------------------------------------------


def _queries(caller, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert caller.get(url).status_code == 200
    return len(captured)


def _more_members(cast, n: int, start: int) -> None:
    for i in range(n):
        person = client_with_login(cast.program, f"Alum{start + i}", "Fernbrook", f"A-5{start + i}")
        graduate(person)
        member = _join(person)
        offer = services.mentor_volunteer(actor=person.user, member=member)
        services.mentor_offer_decide(actor=cast.coordinator, offer=offer, approve=True)
        services.event_create(
            actor=cast.coordinator,
            program=cast.program,
            title=f"Meet {start + i}",
            starts_at=timezone.now() + timedelta(days=2 + i),
            place="Hall",
        )
        services.announcement_post(
            actor=cast.coordinator, program=cast.program, title="News", body="Text"
        )
        services.mentor_ask(actor=alumni_tansy(cast).user, client=alumni_tansy(cast), offer=offer)


def alumni_tansy(cast):
    from recoverypath.clients.models import Client

    return Client.objects.get(first_name="Tansy")


LISTS = [
    ("client", "alumni/directory/"),
    ("client", "alumni-events/"),
    ("client", "alumni-announcements/"),
    ("tansy", "alumni-mentors/"),
    ("tansy", "alumni-mentor-matches/"),
    ("client", "alumni-mentor-offers/"),
    ("staff", "alumni-members/"),
    ("staff", "alumni-events/"),
    ("staff", "alumni-mentor-matches/"),
    ("staff", "alumni-mentor-offers/"),
]


@pytest.mark.parametrize(("who", "path"), LISTS, ids=[f"{w} {p}" for w, p in LISTS])
def test_alumni_lists_load_in_a_fixed_number_of_queries(cast, alumni, who, path):
    _join(cast.client)
    callers = {
        "client": api_as(cast.client_user),
        "tansy": api_as(alumni["tansy"].user),
        "staff": api_as(cast.coordinator),
    }
    _more_members(cast, 1, 0)
    if who == "staff":  # pending offers and requests for the staff lists
        MentorOffer.objects.update(status="pending")
    few = _queries(callers[who], API + path)
    MentorOffer.objects.update(status="approved")
    _more_members(cast, 3, 1)
    if who == "staff":
        MentorOffer.objects.update(status="pending")
    many = _queries(callers[who], API + path)
    body = callers[who].get(API + path).json()
    assert body["count"] >= 3 or path == "alumni-mentor-offers/"
    assert few == many
