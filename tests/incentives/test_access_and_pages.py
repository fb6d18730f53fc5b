"""Who sees and changes rewards, on the web and the API: the client reads their own (on their
phone), coordinators and above of the client's program award and record redemptions,
clinicians and admins set the schedule; front desk, other programs and other organizations get
nothing. Verified behaviours arriving from other apps are rewarded on their own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from recoverypath.incentives.models import Award, Redemption, RewardSchedule
from recoverypath.incentives.services import award_record
from recoverypath.monitoring.services import check_in_submit
from recoverypath.testing.services import collection_record
from tests.conftest import api_as
from tests.factories import ClientFactory
from tests.testing.conftest import make_policy

from .conftest import check_in, make_schedule

NOW = "2026-06-10 16:00Z"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rewarded(cast, sessions):
    make_schedule(cast.program)
    for _ in range(2):
        session = sessions.attend("present")
        award_record(
            actor=cast.coordinator,
            client=cast.client,
            behaviour="attended_session",
            source_id=session.id,
        )
    return cast


def _login(web, cast, role):
    user = cast.person(role)
    if user is not None:
        web.force_login(user)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("client", 404),
        ("front_desk", 404),
        ("coordinator", 200),
        ("clinician", 200),
        ("admin", 200),
        ("other_program", 404),
        ("outsider", 404),
    ],
)
def test_the_staff_rewards_page_by_role(client, rewarded, role, status):
    _login(client, rewarded, role)
    response = client.get(f"/clients/{rewarded.client.id}/rewards/")
    assert response.status_code == status
    if status == 200:
        assert b"$6.25" in response.content  # 2.50 + 3.75


def test_the_client_sees_earnings_and_the_next_reward_on_their_phone(client, rewarded):
    client.force_login(rewarded.client_user)
    home = client.get("/me/").content.decode()
    assert 'data-testid="home-rewards"' in home
    assert "$6.25" in home and "Next attended a group or individual session: <strong>$5.00" in home
    assert client.get("/me/rewards/").status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("front_desk", 404), ("coordinator", 302), ("other_program", 404), ("outsider", 404)],
)
def test_recording_a_redemption_by_role(client, rewarded, role, status):
    _login(client, rewarded, role)
    response = client.post(
        f"/clients/{rewarded.client.id}/rewards/redemptions/",
        {"amount": "5.00", "item": "Bus pass"},
    )
    assert response.status_code == status
    assert Redemption.objects.count() == (1 if status == 302 else 0)


def test_a_redemption_beyond_the_balance_is_refused_with_a_message(client, rewarded):
    client.force_login(rewarded.coordinator)
    response = client.post(
        f"/clients/{rewarded.client.id}/rewards/redemptions/", {"amount": "9.00", "item": "Shoes"}
    )
    assert response.status_code == 400
    assert b"balance is $6.25" in response.content
    reply = api_as(rewarded.coordinator).post(
        f"/api/v1/client-rewards/{rewarded.client.id}/redemptions/",
        {"amount": "9.00", "item": "Shoes"},
        format="json",
    )
    assert reply.status_code == 400 and "amount" in reply.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("coordinator", 404), ("clinician", 302), ("admin", 302), ("other_program", 404)],
)
def test_setting_the_schedule_by_role(client, cast, role, status):
    _login(client, cast, role)
    response = client.post(
        f"/rewards/schedules/{cast.program.id}/",
        {
            "active": "on",
            "style": "fishbowl",
            "behaviours": ["negative_test", "daily_check_in"],
            "base_amount": "2.50",
            "increment": "1.50",
            "max_amount": "10.00",
            "restore_after": "3",
            "draws_base": "1",
            "draws_increment": "1",
            "draws_max": "8",
            "prizes": '[{"label": "Small", "amount": "1.00", "weight": 1}]',
            "yearly_cap": "599.00",
        },
    )
    assert response.status_code == status
    assert RewardSchedule.objects.filter(program=cast.program, style="fishbowl").exists() == (
        status == 302
    )


def test_bad_prizes_are_a_form_error(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        f"/rewards/schedules/{cast.program.id}/",
        {
            "style": "fishbowl",
            "base_amount": "2",
            "increment": "1",
            "max_amount": "5",
            "restore_after": "0",
            "draws_base": "1",
            "draws_increment": "0",
            "draws_max": "1",
            "prizes": "not json",
            "yearly_cap": "599",
        },
    )
    assert response.status_code == 400 and b"Prizes must be a JSON list" in response.content


@pytest.mark.parametrize(
    ("role", "visible", "create"),
    [
        ("client", 2, 403),
        ("front_desk", 0, 404),
        ("coordinator", 2, 201),
        ("other_program", 0, 400),  # the client id out of reach: "Not found." like any id
        ("outsider", 0, 400),
    ],
)
def test_the_awards_api_by_role(rewarded, role, visible, create):
    user = rewarded.person(role)
    api = api_as(user)
    assert api.get("/api/v1/reward-awards/").json()["count"] == visible
    item = check_in(rewarded.client, timezone.now().date() - timedelta(days=1))
    reply = api.post(
        "/api/v1/reward-awards/",
        {"client": rewarded.client.id, "behaviour": "daily_check_in", "source_id": item.id},
        format="json",
    )
    assert reply.status_code in ((create,) if create != 403 else (403, 404))
    if create == 400:
        assert reply.json()["error"]["fields"] == {"client": ["Not found."]}
    summary = api.get(f"/api/v1/client-rewards/{rewarded.client.id}/")
    assert summary.status_code == (200 if visible else 404)


def test_a_record_of_another_client_is_refused(rewarded):
    other = ClientFactory(program=rewarded.program)
    theirs = check_in(other, timezone.now().date())
    foreign = check_in(rewarded.outsider_client, timezone.now().date())
    api = api_as(rewarded.coordinator)
    for source_id in (theirs.id, foreign.id, 2**62):  # another client's, another org's, none
        reply = api.post(
            "/api/v1/reward-awards/",
            {"client": rewarded.client.id, "behaviour": "daily_check_in", "source_id": source_id},
            format="json",
        )
        assert reply.status_code == 400
        assert reply.json()["error"]["fields"] == {"source_id": ["Not found."]}
        assert other.last_name not in reply.content.decode()
    assert not rewarded.client.reward_awards.filter(behaviour="daily_check_in").exists()


def test_the_award_form_refuses_another_clients_record_on_its_field(client, rewarded):
    other = ClientFactory(program=rewarded.program)
    theirs = check_in(other, timezone.now().date())
    client.force_login(rewarded.coordinator)
    response = client.post(
        f"/clients/{rewarded.client.id}/rewards/awards/",
        {"behaviour": "daily_check_in", "source_id": theirs.id},
    )
    assert response.status_code == 400
    assert response.context["award_form"].errors["source_id"] == ["Not found."]


def test_the_awards_list_loads_in_a_fixed_number_of_queries(rewarded, django_assert_num_queries):
    api = api_as(rewarded.coordinator)
    api.get("/api/v1/reward-awards/")  # warm
    with django_assert_num_queries(3) as few:  # roles, page + count, audit insert
        api.get("/api/v1/reward-awards/")
    for n in range(6):
        Award.objects.create(
            client=ClientFactory(program=rewarded.program),
            program=rewarded.program,
            behaviour="daily_check_in",
            source_id=1000 + n,
            occurred_on=timezone.now().date(),
            outcome="met",
            earned=Decimal("1.00"),
            amount=Decimal("1.00"),
        )
    with django_assert_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/reward-awards/").json()["count"] == 8


def test_a_daily_check_in_is_rewarded_when_the_client_submits_it(
    cast, django_capture_on_commit_callbacks
):
    make_schedule(cast.program, behaviours=["daily_check_in"])
    with django_capture_on_commit_callbacks(execute=True):
        check_in_submit(
            actor=cast.client_user,
            client=cast.client,
            mood=4,
            craving=1,
            sleep_hours="7",
            stress=2,
            used=False,
        )
    award = Award.objects.get(client=cast.client)
    assert (award.behaviour, award.amount, award.created_by) == (
        "daily_check_in",
        Decimal("2.50"),
        None,
    )


def test_a_negative_test_is_rewarded_through_the_testing_record_and_a_positive_resets(cast):
    make_schedule(cast.program, behaviours=["negative_test"])
    make_policy(cast.client)
    negative = collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=timezone.now() - timedelta(days=2),
        specimen_type="breath",
        collector="Cora",
        brac="0.000",
    )
    positive = collection_record(
        actor=cast.coordinator,
        client=cast.client,
        collected_at=timezone.now() - timedelta(days=1),
        specimen_type="breath",
        collector="Cora",
        brac="0.090",
    )
    first = award_record(
        actor=cast.coordinator, client=cast.client, behaviour="negative_test", source_id=negative.id
    )
    second = award_record(
        actor=cast.coordinator, client=cast.client, behaviour="negative_test", source_id=positive.id
    )
    assert (first.outcome, first.amount) == ("met", Decimal("2.50"))
    assert (second.outcome, second.amount) == ("missed", Decimal("0.00"))
