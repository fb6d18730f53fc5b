"""My plan on the client's phone: every component with its schedule and details, this week in
plain words, goals with their latest progress, coordinator check-ins to come in the client's zone,
and what to do next. A plan that starts later says so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from recoverypath.aftercare import services
from recoverypath.aftercare.models import ExternalProvider, PlanComponent
from recoverypath.aftercare.my_plan import adherence_in_words, my_plan_get, schedule_in_words
from recoverypath.core.models import AuditEvent
from recoverypath.monitoring.models import CheckIn, MeetingAttendance
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

# Thursday June 18, 2026, noon in New York: the week began on Monday June 15.
NOW = datetime(2026, 6, 18, 16, 0, tzinfo=UTC)
MONDAY = date(2026, 6, 15)


@pytest.fixture
def thursday():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def full_plan(cast, thursday):
    provider = ExternalProvider.objects.create(
        organization=cast.program.organization,
        name="Willowdown Counseling (test)",
        kind="therapist",
        phone="+12025550177",
        address="12 Imaginary Lane, Springfield",
        telehealth=True,
    )
    plan = services.aftercare_plan_start(
        actor=cast.coordinator,
        client=cast.client,
        start_date=date(2026, 6, 1),
        months=3,
        components=[
            {
                "kind": "therapy",
                "title": "Weekly telehealth therapy",
                "frequency": "weekly",
                "expected_per_week": 1,
                "provider": provider,
                "details": "Video session, link sent the day before.",
            },
            {
                "kind": "support_group",
                "title": "Women's AA",
                "group_type": "aa",
                "frequency": "several_weekly",
                "expected_per_week": 3,
                "meeting_schedule": "Mon, Wed, Sat 7pm · Lantern Hall Women's Group",
            },
            {
                "kind": "sober_living",
                "title": "Sober living",
                "frequency": "daily",
                "expected_per_week": 0,
                "residence": "Thistle House (test)",
                "move_in_date": date(2026, 6, 2),
            },
            {
                "kind": "medication",
                "frequency": "monthly",
                "expected_per_week": 0,
                "prescriber": "Dr. Pemberton Wisp (test)",
                "next_visit": date(2026, 6, 24),
            },
            {
                "kind": "digital",
                "title": "Daily sobriety tracker",
                "frequency": "daily",
                "expected_per_week": 7,
            },
        ],
        goals=[
            {"description": "Find a sponsor", "target_date": date(2026, 6, 10)},
            {"description": "Walk three times a week", "target_date": date(2026, 8, 1)},
        ],
    )
    components = {c.kind: c for c in plan.components.all()}
    # Last week's session is not this week's; none yet this week.
    services.component_contact_log(
        actor=cast.coordinator, component=components["therapy"], day=date(2026, 6, 11)
    )
    for day in (MONDAY, MONDAY + timedelta(days=2)):
        MeetingAttendance.objects.create(
            client=cast.client, date=day, meeting_type="aa", meeting_name="Lantern Hall"
        )
    for offset in range(3):
        CheckIn.objects.create(
            client=cast.client,
            date=MONDAY + timedelta(days=offset),
            mood=4,
            craving=1,
            sleep_hours=7,
            stress=2,
        )
    goal = plan.goals.get(description="Walk three times a week")
    services.goal_progress_add(actor=cast.coordinator, goal=goal, note="Walked twice last week.")
    return plan


def test_adherence_reads_as_plain_words():
    assert adherence_in_words(kind="support_group", done=2, missed=0, expected=3) == (
        "2 of 3 meetings this week"
    )
    assert adherence_in_words(kind="therapy", done=0, missed=0, expected=1) == (
        "No contact recorded yet this week"
    )
    assert adherence_in_words(kind="therapy", done=1, missed=0, expected=1) == (
        "1 of 1 session this week"
    )
    assert adherence_in_words(kind="therapy", done=0, missed=1, expected=1) == (
        "0 of 1 session this week (1 missed)"
    )
    assert adherence_in_words(kind="digital", done=3, missed=0, expected=7) == (
        "3 of 7 daily check-ins this week"
    )
    assert adherence_in_words(kind="other", done=2, missed=0, expected=0) == "2 recorded this week"


def test_schedules_read_as_words():
    def words(**fields):
        return schedule_in_words(PlanComponent(kind="therapy", **fields))

    assert words(frequency="weekly", expected_per_week=1) == "Once a week"
    assert words(frequency="several_weekly", expected_per_week=3) == "3 times a week"
    assert words(frequency="daily", expected_per_week=7) == "Every day"
    assert words(frequency="biweekly", expected_per_week=0.5) == "Every two weeks"


def test_this_week_counts_from_monday_in_the_clients_zone(cast, full_plan):
    view = my_plan_get(user=cast.client_user, client=cast.client)
    words = {c.component.kind: c.words for c in view.components}
    assert words["support_group"] == "2 of 3 meetings this week"
    assert words["therapy"] == "No contact recorded yet this week"
    assert words["digital"] == "3 of 7 daily check-ins this week"
    assert view.week_start == MONDAY
    assert AuditEvent.objects.filter(
        action="read", object_type="aftercare.aftercareplan", object_id=str(full_plan.id)
    ).exists()


def test_what_to_do_next_comes_from_the_plan(cast, full_plan):
    services.coordinator_check_in_schedule(
        actor=cast.coordinator, plan=full_plan, at=datetime(2026, 6, 22, 14, 30, tzinfo=UTC)
    )
    steps = [s.text for s in my_plan_get(user=cast.client_user, client=cast.client).next_steps]
    assert "Do today's check-in." in steps
    assert any(s.startswith("Go to 1 more meeting this week: Women's AA.") for s in steps)
    assert "1 more Weekly telehealth therapy session to go this week." in steps
    assert "Prescriber visit on Jun 24, 2026." in steps
    assert "Coordinator check-in on Monday, Jun 22, 2026 at 10:30" in steps
    assert any("Find a sponsor" in s and "past its target date" in s for s in steps)


def test_the_page_shows_every_component_with_its_details(cast, full_plan, client):
    client.force_login(cast.client_user)
    response = client.get("/me/plan/")
    assert response.status_code == 200
    text = response.content.decode()
    for expected in (
        "Weekly telehealth therapy",
        "Willowdown Counseling (test)",
        "tel:+12025550177",
        "12 Imaginary Lane, Springfield",
        "Video session, link sent the day before.",
        "Women&#x27;s AA",
        "Mon, Wed, Sat 7pm · Lantern Hall Women&#x27;s Group",
        "Thistle House (test)",
        "move-in Jun 2, 2026",
        "Dr. Pemberton Wisp (test)",
        "next visit Jun 24, 2026",
        "2 of 3 meetings this week",
        "No contact recorded yet this week",
        "Walked twice last week.",
        "Find a sponsor",
        "What to do next",
        "Once a week",
        "3 times a week",
    ):
        assert expected in text, expected


def test_check_ins_show_in_the_clients_zone(cast, full_plan, client):
    services.coordinator_check_in_schedule(
        actor=cast.coordinator, plan=full_plan, at=datetime(2026, 6, 22, 14, 30, tzinfo=UTC)
    )
    client.force_login(cast.client_user)
    text = client.get("/me/plan/").content.decode()
    # 14:30 UTC is 10:30 in New York (EDT).
    assert "Monday, Jun 22, 2026 · 10:30" in text


def test_the_home_links_to_my_plan(cast, full_plan, client):
    client.force_login(cast.client_user)
    text = client.get("/me/").content.decode()
    assert "/me/plan/" in text and "See my plan" in text


def test_without_a_plan_the_page_says_so_and_the_home_has_no_link(cast, thursday, client):
    client.force_login(cast.client_user)
    assert "no aftercare plan yet" in client.get("/me/plan/").content.decode()
    assert "/me/plan/" not in client.get("/me/").content.decode()


@pytest.mark.parametrize("role", ["admin", "clinician", "coordinator", "front_desk", "outsider"])
def test_my_plan_is_for_clients_only(cast, full_plan, client, role):
    client.force_login(cast.person(role))
    assert client.get("/me/plan/").status_code == 404


def test_anonymous_is_sent_to_log_in(full_plan, client):
    response = client.get("/me/plan/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_plan_that_starts_later_says_when(cast, thursday, client):
    services.aftercare_plan_start(
        actor=cast.coordinator,
        client=cast.client,
        start_date=date(2026, 7, 1),
        months=3,
        components=[{"kind": "therapy", "title": "CBT", "expected_per_week": 1}],
    )
    client.force_login(cast.client_user)
    text = client.get("/me/plan/").content.decode()
    assert "Starts on Jul 1, 2026" in text
    assert "No contact recorded yet this week" not in text
    assert "Your aftercare plan starts on Jul 1, 2026." in client.get("/me/").content.decode()


def test_the_page_loads_in_a_fixed_number_of_queries(
    cast, full_plan, client, django_assert_max_num_queries
):
    client.force_login(cast.client_user)
    client.get("/me/plan/")
    with django_assert_max_num_queries(30) as small:
        client.get("/me/plan/")
    for i in range(5):
        services.goal_add(actor=cast.coordinator, plan=full_plan, description=f"Goal {i}")
        services.component_add(
            actor=cast.coordinator, plan=full_plan, kind="coaching", title=f"Coach {i}"
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/me/plan/")


# The same plan over JSON: GET /api/v1/aftercare-plans/mine/

MINE = "/api/v1/aftercare-plans/mine/"


def test_the_api_gives_the_client_their_plan_as_the_page_shows_it(cast, full_plan):
    response = api_as(cast.client_user).get(MINE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["plan"]["id"] == full_plan.id
    assert body["plan"]["coordinator_name"]
    assert body["starts_on"] is None
    assert body["week_start"] == "2026-06-15"
    by_kind = {c["kind"]: c for c in body["components"]}
    assert by_kind["support_group"]["this_week"] == {
        "done": 2,
        "missed": 0,
        "expected": 3,
        "words": "2 of 3 meetings this week",
    }
    assert by_kind["support_group"]["meeting_schedule"].startswith("Mon, Wed, Sat 7pm")
    assert by_kind["therapy"]["provider"] == {
        "name": "Willowdown Counseling (test)",
        "phone": "+12025550177",
        "address": "12 Imaginary Lane, Springfield",
        "telehealth": True,
    }
    assert by_kind["therapy"]["schedule"] == "Once a week"
    assert by_kind["sober_living"]["residence"] == "Thistle House (test)"
    assert by_kind["sober_living"]["move_in_date"] == "2026-06-02"
    assert by_kind["medication"]["prescriber"] == "Dr. Pemberton Wisp (test)"
    assert by_kind["medication"]["next_visit"] == "2026-06-24"
    goals = {g["description"]: g for g in body["goals"]}
    assert goals["Find a sponsor"]["overdue"] is True
    assert goals["Walk three times a week"]["latest_note"]["note"] == "Walked twice last week."
    assert any(step["url"] == "/me/check-in/" for step in body["next_steps"])


def test_the_api_says_when_a_plan_starts_later(cast, thursday):
    services.aftercare_plan_start(
        actor=cast.coordinator, client=cast.client, start_date=date(2026, 7, 1), months=3
    )
    body = api_as(cast.client_user).get(MINE).json()
    assert body["starts_on"] == "2026-07-01"


def test_the_api_without_a_plan_gives_null(cast, thursday):
    body = api_as(cast.client_user).get(MINE).json()
    assert body["plan"] is None and body["components"] == [] and body["next_steps"] == []


@pytest.mark.parametrize(
    "role", ["admin", "clinician", "coordinator", "front_desk", "other_program", "outsider"]
)
def test_the_api_is_for_clients_only(cast, full_plan, role):
    response = api_as(cast.person(role)).get(MINE)
    assert response.status_code == 404
    assert "detail" in response.json() or "error" in response.json()


def test_the_api_refuses_anonymous(full_plan):
    assert APIClient().get(MINE).status_code in (401, 403)


def test_the_api_reads_in_a_fixed_number_of_queries(cast, full_plan, django_assert_max_num_queries):
    api = api_as(cast.client_user)
    api.get(MINE)
    with django_assert_max_num_queries(30) as small:
        api.get(MINE)
    for i in range(5):
        services.goal_add(actor=cast.coordinator, plan=full_plan, description=f"Goal {i}")
        services.component_add(
            actor=cast.coordinator, plan=full_plan, kind="coaching", title=f"Coach {i}"
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get(MINE).status_code == 200


# The staff plan page shows the same details, and when a plan starts later.


def test_the_staff_plan_page_shows_every_components_details(cast, full_plan, client):
    client.force_login(cast.coordinator)
    text = client.get(f"/aftercare/plans/{full_plan.id}/").content.decode()
    for expected in (
        "Willowdown Counseling (test)",
        "+12025550177",
        "12 Imaginary Lane, Springfield",
        "Video session, link sent the day before.",
        "Mon, Wed, Sat 7pm · Lantern Hall Women&#x27;s Group",
        "Thistle House (test)",
        "move-in Jun 2, 2026",
        "Dr. Pemberton Wisp (test)",
        "next visit Jun 24, 2026",
    ):
        assert expected in text, expected
    assert "starts on" not in text


def test_the_staff_plan_page_says_when_a_plan_starts_later(cast, thursday, client):
    plan = services.aftercare_plan_start(
        actor=cast.coordinator, client=cast.client, start_date=date(2026, 7, 1), months=3
    )
    client.force_login(cast.coordinator)
    text = client.get(f"/aftercare/plans/{plan.id}/").content.decode()
    assert "starts on Jul 1, 2026" in text
