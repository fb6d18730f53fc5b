"""Safety plans (versioned Stanley-Brown), safety profile, safety events, crisis resources."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as WebClient

from recoverypath.core.models import AuditEvent
from recoverypath.core.todo import todo_list
from recoverypath.safety import selectors, services
from recoverypath.safety.models import SafetyEvent, SafetyPlan
from tests.conftest import api_as
from tests.factories import ClientFactory

PLAN = {
    "warning_signs": "Staying in bed, skipping meals",
    "internal_coping": "Walk the dog; music",
    "social_distractions": "Library, coffee shop on Elm",
    "people_to_ask": "Marlow (sister)",
    "professionals": "Clinician Cleo; 988",
    "environment_safety": "Medications kept by Marlow",
    "reasons_for_living": "My niece",
}

ROLES = [
    "admin",
    "clinician",
    "coordinator",
    "front_desk",
    "other_program_clinician",
    "outsider",
    "client_user",
]


def web_as(user) -> WebClient:
    web = WebClient()
    web.force_login(user)
    return web


@pytest.fixture
def plan(cast):
    return services.safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)


# ---- versions ----------
@pytest.mark.django_db
def test_each_change_is_a_new_version_and_every_earlier_one_is_kept(cast, plan):
    second = services.safety_plan_create(
        actor=cast.clinician,
        client=cast.client,
        **{**PLAN, "internal_coping": "Walk the dog; music; cold water on my face"},
        change_note="Added a coping step",
    )
    third = services.safety_plan_create(
        actor=cast.admin, client=cast.client, **{**PLAN, "people_to_ask": "Marlow; Sam"}
    )
    assert [p.version for p in selectors.safety_plan_versions(client=cast.client)] == [3, 2, 1]
    assert selectors.safety_plan_current(client=cast.client) == third
    plan.refresh_from_db()
    assert plan.internal_coping == "Walk the dog; music"
    second.refresh_from_db()
    assert second.change_note == "Added a coping step"
    assert SafetyPlan.objects.filter(client=cast.client).count() == 3
    changes = AuditEvent.objects.filter(object_type="safety.safetyplan", object_id=str(second.id))
    assert changes.get().changes["internal_coping"] == [
        "Walk the dog; music",
        "Walk the dog; music; cold water on my face",
    ]


@pytest.mark.django_db
def test_the_six_sections_are_required_and_reasons_for_living_is_optional(cast):
    with pytest.raises(ValidationError) as exc:
        services.safety_plan_create(
            actor=cast.clinician, client=cast.client, **{**PLAN, "environment_safety": " "}
        )
    assert list(exc.value.message_dict) == ["environment_safety"]
    services.safety_plan_create(
        actor=cast.clinician, client=cast.client, **{**PLAN, "reasons_for_living": ""}
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["coordinator", "front_desk", "other_program_clinician", "outsider", "client_user"]
)
def test_only_clinicians_and_admins_write_the_plan(cast, who):
    with pytest.raises(PermissionDenied):
        services.safety_plan_create(actor=getattr(cast, who), client=cast.client, **PLAN)


@pytest.mark.django_db
def test_editing_through_the_page_saves_a_new_version(cast, plan):
    web = web_as(cast.clinician)
    form = web.get(f"/clients/{cast.client.id}/safety-plan/edit/").content.decode()
    assert "Walk the dog; music" in form  # prefilled from the current version
    response = web.post(
        f"/clients/{cast.client.id}/safety-plan/edit/",
        {**PLAN, "warning_signs": "Not answering texts", "written_with_client": "on"},
    )
    assert response.status_code == 302
    page = web.get(f"/clients/{cast.client.id}/safety-plan/").content.decode()
    assert "Current plan (version 2)" in page
    assert "Version 1" in page and "Version 2" in page
    old = web.get(f"/clients/{cast.client.id}/safety-plan/v1/").content.decode()
    assert "Staying in bed, skipping meals" in old


# ---- required ----------
@pytest.mark.django_db
def test_a_plan_is_required_after_a_history_of_self_harm_is_recorded(cast):
    assert selectors.safety_plan_required(client=cast.client) is False
    services.safety_profile_set(actor=cast.clinician, client=cast.client, history_of_self_harm=True)
    assert selectors.safety_plan_required(client=cast.client) is True
    services.safety_profile_set(
        actor=cast.clinician, client=cast.client, history_of_self_harm=False
    )
    assert selectors.safety_plan_required(client=cast.client) is False


@pytest.mark.django_db
def test_a_plan_is_required_after_a_positive_screen(cast):
    services.safety_event_record(client=cast.client, kind="positive_screen")
    assert selectors.safety_plan_required(client=cast.client) is True


@pytest.mark.django_db
def test_only_clinicians_record_a_history_of_self_harm(cast):
    with pytest.raises(PermissionDenied):
        services.safety_profile_set(
            actor=cast.coordinator, client=cast.client, history_of_self_harm=True
        )


@pytest.mark.django_db
def test_the_history_flag_is_set_from_the_plan_page(cast):
    web = web_as(cast.clinician)
    web.post(f"/clients/{cast.client.id}/safety-profile/", {"history_of_self_harm": "on"})
    assert selectors.safety_plan_required(client=cast.client) is True


# ---- events and the review to-do ----------
@pytest.mark.django_db
def test_recording_the_same_source_twice_keeps_one_event(cast, plan):
    first = services.safety_event_record(client=cast.client, kind="positive_screen", source=plan)
    again = services.safety_event_record(client=cast.client, kind="positive_screen", source=plan)
    assert first == again
    assert SafetyEvent.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_event_kind_is_refused(cast):
    with pytest.raises(ValidationError):
        services.safety_event_record(client=cast.client, kind="nonsense")


@pytest.mark.django_db
def test_review_safety_plan_stays_on_the_todo_until_completed(cast):
    event = services.safety_event_record(client=cast.client, kind="positive_screen")
    labels = [i.label for i in todo_list(user=cast.clinician)]
    assert "Review safety plan" in labels
    web_as(cast.clinician).post(f"/safety/events/{event.id}/review/", {"note": "Called; safe"})
    event.refresh_from_db()
    assert event.review_completed_at is not None and event.review_note == "Called; safe"
    assert "Review safety plan" not in [i.label for i in todo_list(user=cast.clinician)]


@pytest.mark.django_db
def test_writing_a_new_version_completes_open_reviews(cast, plan):
    event = services.safety_event_record(client=cast.client, kind="positive_screen")
    services.safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)
    event.refresh_from_db()
    assert event.review_note == "Safety plan v2 written."


@pytest.mark.django_db
def test_the_review_todo_goes_to_the_primary_clinician_only(cast):
    services.safety_event_record(client=cast.client, kind="positive_screen")
    colleague = ClientFactory(program=cast.program, primary_clinician=None)
    services.safety_event_record(client=colleague, kind="positive_screen")
    assert len([i for i in todo_list(user=cast.clinician) if i.kind.startswith("safety")]) == 2
    assert [i.client_name for i in todo_list(user=cast.admin) if i.kind.startswith("safety")] == [
        colleague.display_name
    ]
    assert not [i for i in todo_list(user=cast.coordinator) if i.kind.startswith("safety")]


@pytest.mark.django_db
def test_the_todo_provider_runs_one_query_whatever_the_number_of_events(
    cast, django_assert_num_queries
):
    from recoverypath.safety.views import todo_items

    for _ in range(5):
        services.safety_event_record(
            client=ClientFactory(program=cast.program, primary_clinician=cast.clinician),
            kind="positive_screen",
        )
    todo_items(cast.clinician)  # warms the per-request role cache
    with django_assert_num_queries(1):
        assert len(todo_items(cast.clinician)) == 5


@pytest.mark.django_db
def test_completing_a_review_twice_is_a_conflict(cast):
    from recoverypath.core.errors import ConflictError

    event = services.safety_event_record(client=cast.client, kind="positive_screen")
    services.safety_review_complete(actor=cast.clinician, event=event)
    with pytest.raises(ConflictError):
        services.safety_review_complete(actor=cast.clinician, event=event)


# ---- crisis resources ----------
@pytest.mark.django_db
def test_crisis_resources_are_988_text_line_911_and_the_programs_own_line(cast):
    names = [r.name for r in selectors.crisis_resources(program=cast.program)]
    assert names == ["988 Suicide & Crisis Lifeline", "Crisis Text Line", "Emergency"]
    cast.program.after_hours_phone = "+12025550177"
    resources = selectors.crisis_resources(program=cast.program)
    assert [r.name for r in resources][2] == "Program A after-hours line"
    assert resources[2].call == "+12025550177"


# ---- the client's view ----------
@pytest.mark.django_db
def test_the_client_reaches_the_plan_in_one_tap_from_home(cast, plan):
    web = web_as(cast.client_user)
    home = web.get("/me/").content.decode()
    assert 'href="/me/safety-plan/"' in home
    page = web.get("/me/safety-plan/").content.decode()
    assert "Walk the dog; music" in page
    assert "988" in page


@pytest.mark.django_db
def test_the_client_without_a_plan_still_sees_crisis_resources(cast):
    page = web_as(cast.client_user).get("/me/safety-plan/").content.decode()
    assert "haven't written a safety plan yet" in page
    assert 'data-testid="crisis-resources"' in page


@pytest.mark.django_db
def test_the_help_page_shows_every_crisis_resource(cast):
    page = web_as(cast.client_user).get("/me/help/").content.decode()
    assert "Text HOME to 741741" in page and 'href="tel:911"' in page
    assert "Marlow Quillfeather" in page


@pytest.mark.django_db
def test_the_plan_prints_as_a_page_and_as_a_pdf(cast, plan):
    web = web_as(cast.client_user)
    page = web.get("/me/safety-plan/print/").content.decode()
    assert "safety/print.css" in page and "Walk the dog" in page
    pdf = web.get("/me/safety-plan/print/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    staff = web_as(cast.clinician).get(f"/clients/{cast.client.id}/safety-plan/print/")
    assert staff.status_code == 200


# ---- access ----------
VIEW = {
    "admin": 200,
    "clinician": 200,
    "coordinator": 200,
    "front_desk": 403,
    "other_program_clinician": 404,
    "outsider": 404,
    "client_user": 404,
}
WRITE = {**VIEW, "coordinator": 403}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["", "print/", "v1/"])
def test_staff_plan_pages_by_role(cast, plan, role, path):
    response = web_as(getattr(cast, role)).get(f"/clients/{cast.client.id}/safety-plan/{path}")
    assert response.status_code == VIEW[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_plan_edit_page_by_role(cast, role):
    response = web_as(getattr(cast, role)).get(f"/clients/{cast.client.id}/safety-plan/edit/")
    assert response.status_code == WRITE[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_profile_and_review_posts_by_role(cast, role):
    event = services.safety_event_record(client=cast.client, kind="positive_screen")
    web = web_as(getattr(cast, role))
    expected = 302 if WRITE[role] == 200 else WRITE[role]
    response = web.post(f"/clients/{cast.client.id}/safety-profile/", {})
    assert response.status_code == expected
    response = web.post(f"/safety/events/{event.id}/review/", {})
    assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "clinician", "coordinator", "front_desk"])
def test_staff_have_no_own_plan_pages(cast, role):
    web = web_as(getattr(cast, role))
    for url in ("/me/safety-plan/", "/me/help/", "/me/safety-plan/print/"):
        assert web.get(url).status_code == 404


@pytest.mark.django_db
def test_the_staff_plan_page_is_audited(cast, plan):
    web_as(cast.coordinator).get(f"/clients/{cast.client.id}/safety-plan/")
    assert AuditEvent.objects.filter(
        actor=cast.coordinator, action="read", object_type="safety.safetyplan"
    ).exists()


# ---- API ----------
API_VIEW = {
    "admin": True,
    "clinician": True,
    "coordinator": True,
    "front_desk": False,
    "other_program_clinician": False,
    "outsider": False,
    "client_user": True,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_versions_by_role(cast, plan, role):
    services.safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)
    response = api_as(getattr(cast, role)).get(f"/api/v1/safety-plans/?client={cast.client.id}")
    versions = [row["version"] for row in response.json()["results"]]
    assert versions == ([2, 1] if API_VIEW[role] else [])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_current_by_role(cast, plan, role):
    response = api_as(getattr(cast, role)).get(
        f"/api/v1/safety-plans/current/?client={cast.client.id}"
    )
    expected = {"front_desk": 403, "other_program_clinician": 404, "outsider": 404}
    assert response.status_code == expected.get(role, 200)
    if response.status_code == 200:
        assert response.json()["version"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 201),
        ("clinician", 201),
        ("coordinator", 403),
        ("front_desk", 403),
        ("other_program_clinician", 400),
        ("outsider", 400),
        ("client_user", 403),
    ],
)
def test_api_create_version_by_role(cast, role, status):
    response = api_as(getattr(cast, role)).post(
        "/api/v1/safety-plans/", {"client": cast.client.id, **PLAN}, format="json"
    )
    assert response.status_code == status


@pytest.mark.django_db
def test_api_create_names_the_empty_section(cast):
    response = api_as(cast.clinician).post(
        "/api/v1/safety-plans/",
        {"client": cast.client.id, **PLAN, "warning_signs": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "warning_signs" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_api_current_is_404_before_any_plan(cast):
    response = api_as(cast.clinician).get(f"/api/v1/safety-plans/current/?client={cast.client.id}")
    assert response.status_code == 404


@pytest.mark.django_db
def test_api_versions_list_runs_a_fixed_number_of_queries(
    cast, plan, django_assert_max_num_queries
):
    api = api_as(cast.clinician)
    with django_assert_max_num_queries(8) as baseline:
        api.get(f"/api/v1/safety-plans/?client={cast.client.id}")
    for _ in range(6):
        services.safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        api.get(f"/api/v1/safety-plans/?client={cast.client.id}")
