from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from recoverypath.aftercare.models import AftercarePlan
from recoverypath.core.errors import ConflictError, DomainError
from recoverypath.core.timezones import local_today
from recoverypath.discharge import services
from recoverypath.discharge.models import DischargeSummary
from recoverypath.discharge.selectors import plan_readiness
from tests.conftest import api_as

from .conftest import complete_checklist, item

pytestmark = pytest.mark.django_db


def test_finishing_as_completed_with_an_open_required_item_is_refused(cast, plan):
    with pytest.raises(DomainError) as refused:
        services.discharge_graduate(actor=cast.clinician, plan=plan)
    assert refused.value.code == "not_ready"
    assert "Living situation assessed" in refused.value.message
    plan.refresh_from_db()
    plan.episode.refresh_from_db()
    assert plan.status == "open"
    assert plan.episode.status == "active"


def test_a_clinician_overrides_with_a_reason_that_is_kept_and_shown(cast, plan, client):
    services.discharge_graduate(
        actor=cast.clinician, plan=plan, override_reason="Moving out of state; warm hand-off done"
    )
    plan.refresh_from_db()
    assert plan.status == "graduated"
    assert plan.override_reason == "Moving out of state; warm hand-off done"
    assert "Living situation assessed" in plan.override_open_items
    plan.episode.refresh_from_db()
    assert plan.episode.status == "finished"
    assert plan.episode.end_reason == "completed"
    client.force_login(cast.clinician)
    page = client.get(f"/discharge/plans/{plan.id}/").content.decode()
    assert "Moving out of state; warm hand-off done" in page


def test_a_blank_override_reason_does_not_count(cast, plan):
    with pytest.raises(DomainError):
        services.discharge_graduate(actor=cast.clinician, plan=plan, override_reason="   ")


def test_graduating_a_ready_client_finishes_the_episode_and_starts_aftercare(cast, plan, provider):
    complete_checklist(plan, cast, provider)
    assert plan_readiness(plan=plan).ready

    services.discharge_graduate(actor=cast.clinician, plan=plan)

    plan.refresh_from_db()
    assert plan.status == "graduated"
    assert plan.override_reason == ""
    assert plan.alumni_offered_at is not None
    assert item(plan, "alumni_network").status == "done"
    aftercare = AftercarePlan.objects.get(client=cast.client)
    assert aftercare.status == "active"
    assert aftercare.episode == plan.episode
    kinds = set(aftercare.components.values_list("kind", flat=True))
    assert {"support_group", "therapy", "medication"} <= kinds
    assert DischargeSummary.objects.filter(plan=plan, signed_at=None).exists()


def test_graduation_offers_the_alumni_network_and_the_client_answers(cast, plan, provider):
    complete_checklist(plan, cast, provider)
    services.discharge_graduate(actor=cast.clinician, plan=plan)
    services.alumni_offer_respond(actor=cast.client_user, plan=plan, accept=True)
    plan.refresh_from_db()
    assert plan.alumni_response == "accepted"


def test_a_client_cannot_graduate_twice(cast, plan):
    services.discharge_graduate(actor=cast.clinician, plan=plan, override_reason="Early move")
    with pytest.raises(ConflictError):
        services.discharge_graduate(actor=cast.clinician, plan=plan, override_reason="Again")


@pytest.mark.parametrize("who", ["coordinator", "front_desk", "other_program_clinician"])
def test_only_clinicians_and_admins_of_the_program_graduate(cast, plan, who):
    with pytest.raises(PermissionDenied):
        services.discharge_graduate(actor=getattr(cast, who), plan=plan, override_reason="x")


def test_graduation_cannot_be_dated_in_the_future(cast, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.discharge_graduate(
            actor=cast.clinician,
            plan=plan,
            override_reason="x",
            graduation_date=plan.target_graduation_date + timedelta(days=30),
        )


def test_the_api_refuses_graduation_with_open_items_and_names_them(cast, plan):
    response = api_as(cast.clinician).post(f"/api/v1/discharge-plans/{plan.id}/graduate/", {})
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "not_ready"
    assert "override_reason" in body["fields"]


def test_the_api_graduates_with_an_override_reason(cast, plan):
    response = api_as(cast.clinician).post(
        f"/api/v1/discharge-plans/{plan.id}/graduate/",
        {"override_reason": "Insurance ended; aftercare arranged by phone"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "graduated"
    assert response.json()["summary_id"] is not None


def test_readiness_lists_what_is_missing_and_days_left(cast, plan):
    response = api_as(cast.coordinator).get(f"/api/v1/discharge-plans/{plan.id}/readiness/")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is False
    assert "living_situation" in body["missing"]
    assert "alumni_network" not in body["missing"]
    assert body["days_left"] == (plan.target_graduation_date - local_today("America/New_York")).days


def test_the_finish_check_refuses_completed_outside_graduation_while_items_are_open(cast, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.episode_finish_check(episode=plan.episode, end_reason="Completed")
    assert "Living situation assessed" in refused.value.message_dict["end_reason"][0]
    # Other endings, and a ready plan, pass.
    services.episode_finish_check(episode=plan.episode, end_reason="left against advice")


def test_the_finish_check_lets_a_ready_plan_complete(cast, plan, provider):
    complete_checklist(plan, cast, provider)
    services.episode_finish_check(episode=plan.episode, end_reason="completed")


def test_cares_own_finish_refuses_completed_while_required_items_are_open(cast, plan):
    from django.core.exceptions import ValidationError

    from recoverypath.care.models import EpisodeOfCare
    from recoverypath.care.services import episode_finish

    with pytest.raises(ValidationError) as refused:
        episode_finish(actor=cast.clinician, episode=plan.episode, end_reason="completed")
    assert "Required discharge items are still open" in refused.value.message_dict["end_reason"][0]
    assert EpisodeOfCare.objects.get(pk=plan.episode.pk).status == "active"
    # Ending for another reason is not graduation and is not held back.
    episode_finish(actor=cast.clinician, episode=plan.episode, end_reason="moved out of state")
    assert EpisodeOfCare.objects.get(pk=plan.episode.pk).status == "finished"
