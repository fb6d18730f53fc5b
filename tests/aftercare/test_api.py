"""The aftercare plan API: the plan pages' services and permissions over JSON."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recoverypath.aftercare.models import AftercarePlan, CoordinatorCheckIn, PlanComponent
from recoverypath.core.models import AuditEvent
from tests.conftest import api_as
from tests.earlywarning.builders import build_caseload
from tests.earlywarning.conftest import TODAY

from .conftest import SAFE_PLACEMENT

URL = "/api/v1/aftercare-plans/"
STAFF_AND_OTHERS = [
    ("admin", 200),
    ("clinician", 200),
    ("coordinator", 200),
    ("front_desk", 403),
    ("other_program_clinician", 404),
    ("outsider", 404),
    ("client_user", 200),  # their own plan (test_client_reads_own_plan.py)
    ("anonymous", 401),
]


def _as(cast, who: str):
    return api_as(None if who == "anonymous" else getattr(cast, who))


def _fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


# Lists


@pytest.mark.parametrize(
    "who,status,sees_plan",
    [
        ("admin", 200, True),
        ("clinician", 200, True),
        ("coordinator", 200, True),
        ("front_desk", 403, False),
        ("other_program_clinician", 200, False),
        ("outsider", 200, False),
        ("client_user", 200, True),  # their own plans only
        ("anonymous", 401, False),
    ],
)
def test_plan_list_access_by_role(cast, plan, who, status, sees_plan):
    response = _as(cast, who).get(URL)
    assert response.status_code == status
    if status == 200:
        ids = [row["id"] for row in response.json()["results"]]
        assert (plan.id in ids) is sees_plan


def test_the_plan_list_shows_adherence_and_writes_one_list_audit_event_per_row(cast, plan):
    response = api_as(cast.coordinator).get(URL, {"client": cast.client.id, "status": "active"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["client"] == cast.client.id
    assert row["status"] == "active"
    assert "adherence_percent" in row
    assert AuditEvent.objects.filter(
        action="list", object_type="aftercare.aftercareplan", client_id=cast.client.id
    ).exists()


def test_the_plan_list_filters_by_status(cast, plan):
    response = api_as(cast.coordinator).get(URL, {"status": "completed"})
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    "query,field",
    [
        ({"status": "someday"}, "status"),
        ({"client": "abc"}, "client"),
        ({"client": "-3"}, "client"),
    ],
)
def test_bad_list_filters_are_a_400_with_the_field_named(cast, plan, query, field):
    assert field in _fields(api_as(cast.coordinator).get(URL, query))


def test_the_plan_list_runs_the_same_queries_for_3_and_20_plans(
    cast, at_noon, django_assert_num_queries
):
    api = api_as(cast.coordinator)

    def count() -> int:
        api.get(URL)  # warm up
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(URL)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    build_caseload(
        program=cast.program, coordinator=cast.coordinator, clients=3, days=14, today=TODAY
    )
    small = count()
    build_caseload(
        program=cast.program,
        coordinator=cast.coordinator,
        clients=17,
        days=14,
        today=TODAY,
        prefix="B",
    )
    with django_assert_num_queries(small):
        response = api.get(URL)
    assert response.json()["count"] == 20


# One plan


@pytest.mark.parametrize("who,status", STAFF_AND_OTHERS)
def test_plan_detail_access_by_role(cast, plan, who, status):
    assert _as(cast, who).get(f"{URL}{plan.id}/").status_code == status


def test_the_plan_detail_has_components_adherence_goals_and_check_ins(cast, plan):
    api = api_as(cast.coordinator)
    goal = api.post(f"{URL}{plan.id}/goals/", {"description": "Return to work"}).json()
    api.post(f"{URL}{plan.id}/goals/{goal['id']}/notes/", {"note": "Sent two applications."})
    response = api.get(f"{URL}{plan.id}/")
    assert response.status_code == 200
    body = response.json()
    assert {c["kind"] for c in body["components"]} == {"therapy", "support_group"}
    assert len(body["adherence"]["components"]) == 2
    assert body["goals"][0]["notes"][0]["note"] == "Sent two applications."
    assert len(body["upcoming_check_ins"]) == 1
    assert body["history"][0]["to_status"] == "active"
    assert AuditEvent.objects.filter(
        action="read", object_type="aftercare.aftercareplan", object_id=str(plan.id)
    ).exists()


def test_an_unknown_plan_is_a_404_in_the_error_shape(cast, plan):
    response = api_as(cast.coordinator).get(f"{URL}999999/")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


# Start


def test_a_coordinator_starts_a_plan_with_components_and_goals(cast, at_noon):
    response = api_as(cast.coordinator).post(
        URL,
        {
            "client": cast.client.id,
            "months": 6,
            "components": [{"kind": "therapy", "title": "CBT", "expected_per_week": "1"}],
            "goals": [{"description": "Find a sponsor"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["length"] == "6m"
    assert body["coordinator"] == cast.coordinator.id
    assert [c["title"] for c in body["components"]] == ["CBT"]
    assert [g["description"] for g in body["goals"]] == ["Find a sponsor"]


def test_a_custom_end_date_makes_a_custom_plan(cast, at_noon):
    response = api_as(cast.clinician).post(
        URL, {"client": cast.client.id, "end_date": str(TODAY + timedelta(days=45))}
    )
    assert response.status_code == 201, response.content
    assert response.json()["length"] == "custom"


def test_a_second_open_plan_is_refused_with_a_400_on_client(cast, plan):
    assert "client" in _fields(api_as(cast.coordinator).post(URL, {"client": cast.client.id}))


@pytest.mark.parametrize(
    "who,status",
    [
        ("front_desk", 403),
        ("client_user", 403),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_starting_a_plan_is_refused_by_role(cast, at_noon, who, status):
    response = _as(cast, who).post(URL, {"client": cast.client.id})
    assert response.status_code == status
    assert not AftercarePlan.objects.exists()


@pytest.mark.parametrize(
    "body,field",
    [
        ({"client": None}, "client"),
        ({"client": "x"}, "client"),
        ({"client": 10**30}, "client"),
        ({"months": 99}, "months"),
        ({"end_date": "soon"}, "end_date"),
        ({"end_date": "2026-01-01"}, "end_date"),
        ({"checkin_every_days": 0}, "checkin_every_days"),
        ({"components": [{"kind": "juggling"}]}, "components.0.kind"),
        ({"components": [{"kind": "therapy", "expected_per_week": 99}]}, None),
        ({"goals": [{"description": ""}]}, "goals.0.description"),
    ],
)
def test_bad_plan_input_is_a_400_with_field_messages(cast, at_noon, body, field):
    data = {"client": cast.client.id, **body}
    fields = _fields(api_as(cast.coordinator).post(URL, data))
    assert fields
    if field:
        assert field in fields


# Lifecycle actions


def test_a_coordinator_extends_a_plan(cast, plan):
    new_end = plan.end_date + timedelta(days=30)
    response = api_as(cast.coordinator).post(f"{URL}{plan.id}/extend/", {"end_date": str(new_end)})
    assert response.status_code == 200
    assert response.json()["end_date"] == str(new_end)


def test_extending_to_an_earlier_date_is_a_400(cast, plan):
    response = api_as(cast.coordinator).post(
        f"{URL}{plan.id}/extend/", {"end_date": str(plan.start_date)}
    )
    assert "end_date" in _fields(response)


def test_a_clinician_steps_a_client_up_to_iop_and_the_plan_pauses(cast, plan):
    response = api_as(cast.clinician).post(
        f"{URL}{plan.id}/step-up/",
        {"reason": "Two lapses this week.", "placement_answers": SAFE_PLACEMENT},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["plan"]["status"] == "paused"
    assert response.json()["episode"]


def test_stepping_up_without_placement_answers_is_a_400_naming_each_question(cast, plan):
    response = api_as(cast.clinician).post(f"{URL}{plan.id}/step-up/", {"reason": "Lapses."})
    assert response.status_code == 400
    assert _fields(response)["placement_answers.acute_safety_risk"] == [
        "Answer this placement question for IOP."
    ]
    plan.refresh_from_db()
    assert plan.status == "active"


def test_a_coordinator_cannot_step_up_to_iop(cast, plan):
    response = api_as(cast.coordinator).post(f"{URL}{plan.id}/step-up/", {"reason": "Lapses."})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == "active"


def test_stepping_up_without_a_reason_is_a_400(cast, plan):
    assert "reason" in _fields(api_as(cast.clinician).post(f"{URL}{plan.id}/step-up/", {}))


def test_a_paused_plan_resumes(cast, plan):
    api = api_as(cast.clinician)
    api.post(
        f"{URL}{plan.id}/step-up/",
        {"reason": "Lapses.", "placement_answers": SAFE_PLACEMENT},
        format="json",
    )
    response = api.post(f"{URL}{plan.id}/resume/", {"reason": "Back on track."})
    assert response.status_code == 200
    assert response.json()["status"] == "active"


def test_an_active_plan_cannot_resume(cast, plan):
    response = api_as(cast.coordinator).post(f"{URL}{plan.id}/resume/", {"reason": "Again."})
    assert "status" in _fields(response)


def test_completing_a_plan_cancels_its_scheduled_check_ins(cast, plan):
    response = api_as(cast.coordinator).post(f"{URL}{plan.id}/complete/", {"reason": "Done."})
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert response.json()["upcoming_check_ins"] == []


def test_a_completed_plan_cannot_complete_again(cast, plan):
    api = api_as(cast.coordinator)
    api.post(f"{URL}{plan.id}/complete/", {"reason": "Done."})
    assert "status" in _fields(api.post(f"{URL}{plan.id}/complete/", {"reason": "Done."}))


@pytest.mark.parametrize("action", ["extend", "complete", "resume", "step-up"])
@pytest.mark.parametrize(
    "who,status",
    [
        ("front_desk", 403),
        ("client_user", 403),
        ("other_program_clinician", 404),
        ("outsider", 404),
        ("anonymous", 401),
    ],
)
def test_plan_actions_are_refused_by_role(cast, plan, action, who, status):
    body = {"reason": "x", "end_date": str(plan.end_date + timedelta(days=9))}
    assert _as(cast, who).post(f"{URL}{plan.id}/{action}/", body).status_code == status


# Components, contacts, goals, coordinator check-ins


def test_a_coordinator_adds_a_component(cast, plan):
    response = api_as(cast.coordinator).post(
        f"{URL}{plan.id}/components/",
        {"kind": "medication", "prescriber": "Dr. Example", "expected_per_week": "0"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "medication"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"kind": "juggling"}, "kind"),
        ({"kind": "therapy", "expected_per_week": "15"}, "expected_per_week"),
        ({"kind": "therapy", "provider": 999999}, "provider"),
        ({"kind": "therapy", "next_visit": "tomorrow"}, "next_visit"),
    ],
)
def test_a_bad_component_is_a_400(cast, plan, body, field):
    assert field in _fields(api_as(cast.coordinator).post(f"{URL}{plan.id}/components/", body))


def test_front_desk_cannot_add_a_component(cast, plan):
    response = api_as(cast.front_desk).post(f"{URL}{plan.id}/components/", {"kind": "therapy"})
    assert response.status_code == 403


def test_a_coordinator_logs_a_missed_therapy_session(cast, plan):
    therapy = plan.components.get(kind="therapy")
    response = api_as(cast.coordinator).post(
        f"{URL}{plan.id}/contacts/",
        {"component": therapy.id, "date": str(TODAY - timedelta(days=1)), "attended": False},
    )
    assert response.status_code == 201, response.content
    assert response.json()["attended"] is False


def test_a_contact_for_another_plans_component_or_a_future_day_is_a_400(cast, plan):
    api = api_as(cast.coordinator)
    other = PlanComponent.objects.create(
        plan=AftercarePlan.objects.create(
            client=cast.other_program_client,
            program=cast.other_program,
            start_date=TODAY,
            end_date=TODAY + timedelta(days=90),
            status="completed",
        ),
        kind="therapy",
    )
    response = api.post(f"{URL}{plan.id}/contacts/", {"component": other.id, "date": str(TODAY)})
    assert "component" in _fields(response)
    therapy = plan.components.get(kind="therapy")
    future = str(TODAY + timedelta(days=2))
    response = api.post(f"{URL}{plan.id}/contacts/", {"component": therapy.id, "date": future})
    assert "date" in _fields(response)


def test_a_client_cannot_log_contacts_through_the_staff_api(cast, plan):
    therapy = plan.components.get(kind="therapy")
    response = api_as(cast.client_user).post(
        f"{URL}{plan.id}/contacts/", {"component": therapy.id, "date": str(TODAY)}
    )
    assert response.status_code == 403


def test_a_goal_gets_a_progress_note_that_marks_it_achieved(cast, plan):
    api = api_as(cast.coordinator)
    goal = api.post(f"{URL}{plan.id}/goals/", {"description": "Find a sponsor"})
    assert goal.status_code == 201
    response = api.post(
        f"{URL}{plan.id}/goals/{goal.json()['id']}/notes/",
        {"note": "Asked Sam; said yes.", "status": "achieved"},
    )
    assert response.status_code == 201, response.content
    detail = api.get(f"{URL}{plan.id}/").json()
    assert detail["goals"][0]["status"] == "achieved"


def test_bad_goals_and_notes_are_a_400_and_another_plans_goal_a_404(cast, plan):
    api = api_as(cast.coordinator)
    assert "description" in _fields(api.post(f"{URL}{plan.id}/goals/", {"description": " "}))
    early = {"description": "x", "target_date": "2020-01-01"}
    assert "target_date" in _fields(api.post(f"{URL}{plan.id}/goals/", early))
    goal = api.post(f"{URL}{plan.id}/goals/", {"description": "Walk daily"}).json()
    bad = {"note": "ok", "status": "forgotten"}
    assert "status" in _fields(api.post(f"{URL}{plan.id}/goals/{goal['id']}/notes/", bad))
    assert api.post(f"{URL}{plan.id}/goals/999999/notes/", {"note": "x"}).status_code == 404


def test_recording_an_attended_check_in_schedules_the_next(cast, plan):
    item = CoordinatorCheckIn.objects.get(plan=plan)
    response = api_as(cast.coordinator).post(
        f"{URL}{plan.id}/check-ins/{item.id}/record/", {"status": "attended", "note": "Good."}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "attended"
    assert CoordinatorCheckIn.objects.filter(plan=plan, status="scheduled").count() == 1


def test_a_recorded_check_in_cannot_be_recorded_again(cast, plan):
    item = CoordinatorCheckIn.objects.get(plan=plan)
    api = api_as(cast.coordinator)
    url = f"{URL}{plan.id}/check-ins/{item.id}/record/"
    api.post(url, {"status": "missed"})
    assert "status" in _fields(api.post(url, {"status": "attended"}))
    assert "status" in _fields(api.post(url, {"status": "scheduled"}))


def test_a_coordinator_schedules_an_extra_check_in(cast, plan):
    response = api_as(cast.coordinator).post(
        f"{URL}{plan.id}/check-ins/", {"scheduled_at": "2026-06-20T14:00:00Z"}
    )
    assert response.status_code == 201, response.content
    assert "scheduled_at" in _fields(
        api_as(cast.coordinator).post(f"{URL}{plan.id}/check-ins/", {"scheduled_at": "later"})
    )


def test_front_desk_cannot_record_a_check_in(cast, plan):
    item = CoordinatorCheckIn.objects.get(plan=plan)
    response = api_as(cast.front_desk).post(
        f"{URL}{plan.id}/check-ins/{item.id}/record/", {"status": "attended"}
    )
    assert response.status_code == 403


def test_plan_dates_in_the_response_are_iso(cast, plan):
    body = api_as(cast.coordinator).get(f"{URL}{plan.id}/").json()
    assert date.fromisoformat(body["start_date"]) == plan.start_date
