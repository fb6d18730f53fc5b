"""The discharge pages do what the services do, and show people what they need to see."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recoverypath.aftercare.models import ExternalProvider
from recoverypath.core.timezones import local_today
from recoverypath.discharge import services
from recoverypath.discharge.models import DischargeSummary
from recoverypath.discharge.views import todo_items

from .conftest import complete_checklist, item

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, cast):
    client.force_login(cast.clinician)
    return client


def test_the_item_form_saves_structured_data(web, plan):
    response = web.post(
        f"/discharge/plans/{plan.id}/items/barriers/",
        {
            "status": "done",
            "barriers": "Old friends | Meets them only at the gym\nPayday | Savings",
        },
    )
    assert response.status_code == 302
    saved = item(plan, "barriers")
    assert saved.status == "done"
    assert saved.data["barriers"][1] == {"barrier": "Payday", "plan": "Savings"}


def test_the_item_form_shows_why_an_item_cannot_be_done(web, plan):
    response = web.post(
        f"/discharge/plans/{plan.id}/items/living_situation/",
        {"status": "done", "situation": "unsafe", "plan": ""},
    )
    assert response.status_code == 200
    assert "A living situation that is not stable needs a plan." in response.content.decode()
    assert item(plan, "living_situation").status == "open"


def test_the_peer_support_form_keeps_the_meeting_days(web, plan):
    web.post(
        f"/discharge/plans/{plan.id}/items/peer_support/",
        {"status": "done", "group_kind": "aa", "meeting_days": ["mon", "thu"]},
    )
    assert item(plan, "peer_support").data["groups"][0]["meeting_days"] == ["mon", "thu"]


def test_the_plan_form_records_diagnoses_and_the_target_date(web, plan):
    target = plan.target_graduation_date + timedelta(days=7)
    response = web.post(
        f"/discharge/plans/{plan.id}/edit/",
        {
            "target_graduation_date": target.isoformat(),
            "diagnoses": "F10.20 | Alcohol use disorder",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.target_graduation_date == target
    assert plan.diagnoses == [{"code": "F10.20", "description": "Alcohol use disorder"}]


def test_graduating_on_the_page_with_items_open_asks_for_a_reason(web, plan):
    response = web.post(f"/discharge/plans/{plan.id}/graduate/", {})
    assert response.status_code == 400
    assert "Required discharge items are still open" in response.content.decode()
    response = web.post(
        f"/discharge/plans/{plan.id}/graduate/", {"override_reason": "Family emergency abroad"}
    )
    assert response.status_code == 302
    page = web.get(f"/discharge/plans/{plan.id}/").content.decode()
    assert "Graduated with items open" in page
    assert "Family emergency abroad" in page


def test_the_summary_page_signs_and_shares_only_under_consent(web, cast, plan, provider):
    complete_checklist(plan, cast, provider)
    services.discharge_graduate(actor=cast.clinician, plan=plan)
    summary = DischargeSummary.objects.get(plan=plan)
    page = web.get(f"/discharge/summaries/{summary.id}/").content.decode()
    assert "Sign summary" in page
    assert "988" in page
    web.post(f"/discharge/summaries/{summary.id}/sign/")
    referral = cast.client.referrals.get()
    response = web.post(
        f"/discharge/summaries/{summary.id}/share/", {"referral": referral.id}, follow=True
    )
    assert "No active Part 2 consent allows this disclosure" in response.content.decode()
    pdf = web.get(f"/discharge/summaries/{summary.id}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"


def test_the_referral_page_moves_a_referral(web, cast, plan, provider):
    referral = services.referral_create(
        actor=cast.coordinator, client=cast.client, provider=provider
    )
    response = web.post(f"/discharge/referrals/{referral.id}/", {"to": "accepted"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    refused = web.post(f"/discharge/referrals/{referral.id}/", {"to": "attended"})
    assert refused.status_code == 200  # not an allowed move: the form says so
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_coordinators_add_and_edit_directory_providers(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(
        "/discharge/providers/new/",
        {
            "name": "Quietwater Sober Living (fictional)",
            "kind": "sober_living",
            "phone": "(202) 555-0133",
            "accepting_new_clients": "on",
        },
    )
    assert response.status_code == 302
    provider = ExternalProvider.objects.get(name="Quietwater Sober Living (fictional)")
    assert provider.phone == "+12025550133"
    client.post(
        f"/discharge/providers/{provider.id}/edit/",
        {"name": provider.name, "kind": "sober_living", "modalities": ["in_person", "video"]},
    )
    provider.refresh_from_db()
    assert provider.modalities == ["in_person", "video"]
    assert provider.telehealth is True  # the older flag follows the modalities
    listing = client.get("/discharge/providers/?kind=sober_living&telehealth=on").content.decode()
    assert "Quietwater Sober Living (fictional)" in listing
    assert "In person, Video" in listing
    by_video = client.get("/discharge/providers/?modality=video").content.decode()
    assert "Quietwater Sober Living (fictional)" in by_video
    by_phone = client.get("/discharge/providers/?modality=phone").content.decode()
    assert "Quietwater Sober Living (fictional)" not in by_phone


def test_the_plan_list_runs_a_fixed_number_of_queries(
    client, cast, run_on_commit, django_assert_max_num_queries
):
    from tests.factories import ClientFactory

    from .conftest import start_iop

    client.force_login(cast.coordinator)
    for _ in range(3):
        start_iop(run_on_commit, cast, client=ClientFactory(program=cast.program))
    client.get("/discharge/")
    with django_assert_max_num_queries(14) as few:
        client.get("/discharge/")
    for _ in range(6):
        start_iop(run_on_commit, cast, client=ClientFactory(program=cast.program))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/discharge/")
    assert response.content.decode().count("/discharge/plans/") >= 9


def test_the_client_page_shows_the_discharge_panel(web, cast, plan):
    page = web.get(f"/clients/{cast.client.id}/").content.decode()
    assert "Discharge and aftercare" in page
    assert "Open discharge plan" in page


def test_the_client_home_shows_readiness_then_aftercare_and_the_alumni_offer(
    client, cast, plan, provider
):
    client.force_login(cast.client_user)
    home = client.get("/me/").content.decode()
    assert "Getting ready for after IOP" in home
    complete_checklist(plan, cast, provider)
    services.discharge_graduate(actor=cast.clinician, plan=plan)
    home = client.get("/me/").content.decode()
    assert "Your aftercare" in home
    assert "Your aftercare plan has started." in home
    assert "Join the alumni network" in home
    response = client.post(f"/discharge/plans/{plan.id}/alumni/", {"answer": "join"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.alumni_response == "accepted"


def test_another_client_cannot_answer_the_alumni_offer(client, cast, plan):
    services.discharge_graduate(actor=cast.clinician, plan=plan, override_reason="Moved")
    from tests.factories import ClientFactory, UserFactory

    stranger = UserFactory()
    ClientFactory(program=cast.program, user=stranger)
    client.force_login(stranger)
    assert client.post(f"/discharge/plans/{plan.id}/alumni/", {"answer": "join"}).status_code == 404


def test_owners_see_items_due_within_a_week_on_their_to_do_list(cast, plan):
    plan.items.filter(kind="living_situation").update(
        due_date=local_today("America/New_York") - timedelta(days=1)
    )
    items = todo_items(cast.clinician)
    labels = [i.label for i in items]
    assert "Discharge: Living situation assessed" in labels
    overdue = next(i for i in items if i.label == "Discharge: Living situation assessed")
    assert overdue.priority == "high"
    assert todo_items(cast.front_desk) == []
