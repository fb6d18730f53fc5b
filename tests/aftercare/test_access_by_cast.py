"""Aftercare pages and endpoints over the whole cast, where other tests name only some roles.

Coordinators, clinicians and admins of the client's program manage a plan; front desk and the
client get 403; staff of another program or organization get 404; anonymous visitors are sent
to log in (web) or get 401 (API). Nothing is written by a refused request."""

from __future__ import annotations

import pytest

from recoverypath.aftercare.models import (
    ComponentContact,
    CoordinatorCheckIn,
    Goal,
    GoalProgressNote,
    HelpRequest,
    PlanComponent,
    SupportPreferences,
)
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as

API = "/api/v1/aftercare-plans/"
STAFF = ["admin", "clinician", "coordinator", "front_desk", "other_program_clinician", "outsider"]
REFUSED_WEB = [
    ("anonymous", 302),
    ("front_desk", 403),
    ("client_user", 403),
    ("other_program_clinician", 404),
    ("outsider", 404),
]
REFUSED_API = [(who, 401 if who == "anonymous" else status) for who, status in REFUSED_WEB]


def _login(web, cast, who: str) -> None:
    if who != "anonymous":
        web.force_login(getattr(cast, who))


def _as(cast, who: str):
    return api_as(None if who == "anonymous" else getattr(cast, who))


def _writes() -> tuple[int, ...]:
    return (
        PlanComponent.objects.count(),
        ComponentContact.objects.count(),
        Goal.objects.count(),
        GoalProgressNote.objects.count(),
        CoordinatorCheckIn.objects.exclude(status="scheduled").count(),
        CoordinatorCheckIn.objects.count(),
        AuditEvent.objects.filter(action__in=["create", "update", "delete"]).count(),
    )


@pytest.fixture
def goal(plan):
    return Goal.objects.create(plan=plan, description="Find a sponsor")


@pytest.mark.parametrize("path", ["/aftercare/plans/{plan}/", "/clients/{client}/aftercare/new/"])
def test_anonymous_visitors_of_the_plan_pages_go_to_log_in(client, cast, plan, path):
    response = client.get(path.format(plan=plan.id, client=cast.client.id))
    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.parametrize(
    "action",
    [
        "components/",
        "contacts/",
        "goals/",
        "goals/{goal}/notes/",
        "check-ins/{check_in}/",
        "extend/",
        "complete/",
        "resume/",
        "step-up/",
    ],
)
@pytest.mark.parametrize(("who", "status"), REFUSED_WEB)
def test_plan_actions_on_the_web_are_refused_by_role(client, cast, plan, goal, action, who, status):
    check_in = CoordinatorCheckIn.objects.get(plan=plan)
    before = _writes()
    _login(client, cast, who)
    url = f"/aftercare/plans/{plan.id}/" + action.format(goal=goal.id, check_in=check_in.id)
    body = {"reason": "x", "note": "x", "status": "attended", "description": "x", "kind": "other"}
    assert client.post(url, body).status_code == status
    assert _writes() == before


@pytest.mark.parametrize(
    "action",
    [
        "components/",
        "contacts/",
        "goals/",
        "goals/{goal}/notes/",
        "check-ins/",
        "check-ins/{check_in}/record/",
    ],
)
@pytest.mark.parametrize(("who", "status"), REFUSED_API)
def test_plan_writes_over_the_api_are_refused_by_role(cast, plan, goal, action, who, status):
    check_in = CoordinatorCheckIn.objects.get(plan=plan)
    component = plan.components.first()
    before = _writes()
    url = f"{API}{plan.id}/" + action.format(goal=goal.id, check_in=check_in.id)
    body = {
        "kind": "other",
        "component": component.id,
        "date": "2026-06-14",
        "description": "x",
        "note": "x",
        "status": "attended",
        "scheduled_at": "2026-06-20T14:00:00Z",
    }
    assert _as(cast, who).post(url, body, format="json").status_code == status
    assert _writes() == before


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("client_user", 200)] + [(w, 404) for w in STAFF]
)
def test_the_support_page_is_the_clients_own(client, cast, plan, who, status):
    _login(client, cast, who)
    assert client.get("/me/support/").status_code == status


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302)] + [(w, 404) for w in STAFF])
def test_only_the_client_sets_their_support_preferences(client, cast, plan, who, status):
    _login(client, cast, who)
    contact = cast.client.support_contacts.first()
    contact.phone = "+12025550150"
    contact.save(update_fields=["phone"])
    response = client.post("/me/support/", {"text_on_help": [contact.id]})
    assert response.status_code == status
    assert not SupportPreferences.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302)] + [(w, 404) for w in STAFF])
def test_only_the_client_asks_for_help_now(client, cast, plan, who, status):
    _login(client, cast, who)
    assert client.post("/me/help-now/").status_code == status
    assert client.post("/me/help/").status_code == status
    assert not HelpRequest.objects.exists()


def test_the_client_is_sent_to_the_help_page(client, cast, plan):
    client.force_login(cast.client_user)
    response = client.get("/me/help-now/")
    assert response.status_code == 302
    assert not HelpRequest.objects.exists()
