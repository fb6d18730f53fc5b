"""A client reads their own aftercare plan and its components through the API; another
client's plan is 404 to them, and they change nothing."""

from __future__ import annotations

import pytest

from recoverypath.aftercare import services
from recoverypath.aftercare.models import AftercarePlan
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db
URL = "/api/v1/aftercare-plans/"


@pytest.fixture
def other_plan(cast, at_noon):
    other = ClientFactory(program=cast.program, user=UserFactory(email="juniper.other@example.org"))
    return services.aftercare_plan_start(
        actor=cast.coordinator, client=other, start_date=TODAY, months=3
    )


def test_a_client_gets_their_own_plan_with_its_components(cast, plan):
    response = api_as(cast.client_user).get(f"{URL}{plan.id}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == plan.id and body["client"] == cast.client.id
    assert {c["title"] for c in body["components"]} >= {"CBT"}
    assert {c["kind"] for c in body["components"]} >= {"therapy", "support_group"}
    assert "adherence" in body and "goals" in body and "upcoming_check_ins" in body
    # The coordinators' working record stays on the staff view.
    assert "history" not in body and "past_check_ins" not in body
    assert AuditEvent.objects.filter(
        action="read", object_type="aftercare.aftercareplan", object_id=str(plan.id)
    ).exists()


def test_a_client_lists_only_their_own_plans(cast, plan, other_plan):
    response = api_as(cast.client_user).get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [plan.id]
    narrowed = api_as(cast.client_user).get(URL, {"client": other_plan.client_id})
    assert narrowed.json()["results"] == []


def test_another_clients_plan_is_404_to_a_client(cast, plan, other_plan):
    assert api_as(cast.client_user).get(f"{URL}{other_plan.id}/").status_code == 404


def test_a_client_cannot_change_their_plan(cast, plan):
    response = api_as(cast.client_user).post(f"{URL}{plan.id}/complete/", {"reason": "Done."})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == AftercarePlan.Status.ACTIVE


def test_a_clients_plan_list_runs_a_fixed_number_of_queries(
    cast, plan, other_plan, django_assert_num_queries
):
    services.aftercare_plan_complete(actor=cast.coordinator, plan=plan, note="Done.")
    services.aftercare_plan_start(
        actor=cast.coordinator, client=cast.client, start_date=TODAY, months=3
    )
    api = api_as(cast.client_user)
    # is a client, count, page, one list audit row, components, contacts, meetings
    with django_assert_num_queries(7):
        response = api.get(URL)
    assert len(response.json()["results"]) == 2
