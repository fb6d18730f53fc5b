"""What people see: the client filling on their phone, the result screen, staff entry, trends."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from recoverypath.alerts.models import Alert
from recoverypath.assessments import services
from recoverypath.assessments.models import Assessment
from recoverypath.safety.services import safety_plan_create
from tests.factories import ClientFactory

from .test_access import web_as

PLAN = {
    "warning_signs": "Staying in bed, skipping meals",
    "internal_coping": "Walk the dog; music",
    "social_distractions": "Library, coffee shop on Elm",
    "people_to_ask": "Marlow (sister)",
    "professionals": "Clinician Cleo; 988",
    "environment_safety": "Medications kept by Marlow",
    "reasons_for_living": "My niece",
}


def phq9_form(answers):
    return {f"item_{n}": str(v) for n, v in enumerate(answers, start=1)}


@pytest.mark.django_db
def test_the_client_home_lists_due_instruments_with_a_start_button(cast):
    page = web_as(cast.client_user).get("/me/").content.decode()
    assert "Questionnaires ready for you" in page
    assert 'href="/me/assessments/PHQ-9/"' in page
    assert "My safety plan" in page


@pytest.mark.django_db
def test_the_fill_page_shows_every_question_with_progress_and_the_js_file(cast):
    page = web_as(cast.client_user).get("/me/assessments/PHQ-9/").content.decode()
    assert "Question 1 of 9" in page and "Question 9 of 9" in page
    assert "Several days" in page
    assert "/static/assessments/fill.js" in page
    assert "<script>" not in page  # no inline script
    assert 'style="' not in page


@pytest.mark.django_db
def test_the_client_chooses_one_page_or_one_question_per_screen(cast):
    web = web_as(cast.client_user)
    assert 'data-mode="step"' in web.get("/me/assessments/GAD-7/").content.decode()
    web.post("/me/assessments/mode/", {"mode": "page", "next": "/me/assessments/GAD-7/"})
    assert 'data-mode="page"' in web.get("/me/assessments/GAD-7/").content.decode()


@pytest.mark.django_db
def test_submitting_with_an_item_unanswered_is_refused_naming_the_question(cast):
    data = phq9_form([1] * 9)
    del data["item_6"]
    response = web_as(cast.client_user).post("/me/assessments/PHQ-9/", data)
    assert response.status_code == 200
    assert "Question 6: an answer is required" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_a_complete_submission_goes_to_the_result_screen(cast):
    web = web_as(cast.client_user)
    response = web.post("/me/assessments/PHQ-9/", phq9_form([1] * 8 + [0]))
    assessment = Assessment.objects.get()
    assert response["Location"] == f"/me/assessments/results/{assessment.id}/"
    page = web.get(response["Location"]).content.decode()
    assert "Thank you" in page
    assert "Your score:" in page
    assert 'data-testid="crisis-resources"' not in page


@pytest.mark.django_db
def test_item9_above_zero_shows_crisis_resources_at_once_on_the_result_screen(cast):
    cast.program.after_hours_phone = "+12025550188"
    cast.program.save()
    safety_plan_create(actor=cast.clinician, client=cast.client, **PLAN)
    web = web_as(cast.client_user)
    response = web.post("/me/assessments/PHQ-9/", phq9_form([1, 1, 0, 0, 0, 0, 0, 0, 1]))
    page = web.get(response["Location"]).content.decode()
    assert 'data-testid="crisis-resources"' in page
    assert "988 Suicide &amp; Crisis Lifeline" in page
    assert 'href="tel:988"' in page
    assert "Text HOME to 741741" in page
    assert 'href="tel:911"' in page
    assert "Program A after-hours line" in page and "tel:+12025550188" in page
    assert "Marlow Quillfeather" in page  # the emergency contact
    assert "Open my safety plan" in page
    assert Alert.objects.filter(client=cast.client, severity="critical").count() == 1


@pytest.mark.django_db
def test_a_cssrs_with_skipped_items_is_accepted_from_the_form(cast):
    web = web_as(cast.client_user)
    data = {"item_1": "yes", "item_2": "no", "item_6": "no"}
    response = web.post("/me/assessments/C-SSRS-SCREEN/", data)
    assert response.status_code == 302
    assert Assessment.objects.get().answers == [True, False, None, None, None, False, None]


@pytest.mark.django_db
def test_the_form_drops_answers_to_items_not_asked(cast):
    web = web_as(cast.client_user)
    data = {"item_1": "no", "item_2": "no", "item_3": "yes", "item_6": "no"}
    web.post("/me/assessments/C-SSRS-SCREEN/", data)
    assert Assessment.objects.get().answers[2] is None


@pytest.mark.django_db
def test_bam_form_takes_days_and_optional_drug_days(cast):
    data = {f"item_{n}": "0" for n in range(1, 18) if n != 7}
    data.update({"item_2": "12", "item_6": "3", "item_7_7A": "3"})
    response = web_as(cast.clinician).post(f"/clients/{cast.client.id}/assessments/new/BAM/", data)
    assert response.status_code == 302
    a = Assessment.objects.get()
    assert a.answers[1] == 12 and a.answers[6] == {"7A": 3}
    assert a.mode == "staff"


@pytest.mark.django_db
def test_bam_form_refuses_31_days_naming_the_question(cast):
    data = {f"item_{n}": "0" for n in range(1, 18) if n != 7}
    data["item_4"] = "31"
    page = (
        web_as(cast.clinician)
        .post(f"/clients/{cast.client.id}/assessments/new/BAM/", data)
        .content.decode()
    )
    assert "Question 4: must be a number of days 0-30" in page


@pytest.mark.django_db
def test_staff_entry_of_a_positive_screen_warns_the_clinician(cast):
    response = web_as(cast.clinician).post(
        f"/clients/{cast.client.id}/assessments/new/PHQ-9/",
        phq9_form([0, 0, 0, 0, 0, 0, 0, 0, 2]),
        follow=True,
    )
    page = response.content.decode()
    assert "Positive safety screen" in page
    assert "review the safety plan" in page


@pytest.mark.django_db
def test_the_detail_page_shows_item_level_answers_with_their_labels(cast):
    a = services.assessment_submit(
        actor=cast.clinician,
        client=cast.client,
        instrument="PHQ-9",
        answers=[3, 0, 0, 0, 0, 0, 0, 0, 0],
    )
    page = (
        web_as(cast.clinician)
        .get(f"/clients/{cast.client.id}/assessments/{a.id}/")
        .content.decode()
    )
    assert "Little interest or pleasure in doing things" in page
    assert "Nearly every day" in page
    assert "PHQ-9/1" in page


@pytest.mark.django_db
def test_the_trend_page_draws_an_svg_with_band_thresholds_and_change_since_intake(
    cast, make_assessment
):
    for days_ago, total, band in (
        (42, 18, "moderately_severe"),
        (28, 14, "moderate"),
        (14, 11, "moderate"),
        (0, 8, "mild"),
    ):
        make_assessment(cast.client, "PHQ-9", total=total, band=band, days_ago=days_ago)
    page = web_as(cast.clinician).get(f"/clients/{cast.client.id}/assessments/").content.decode()
    assert '<svg viewBox="0 0 640 240"' in page
    assert 'data-testid="trend-PHQ-9"' in page
    assert page.count('class="series-dot"') == 4
    for label in ("Mild (5)", "Moderate (10)", "Moderately severe (15)", "Severe (20)"):
        assert label in page
    assert "Change since intake: 18 → 8 (-10)" in page
    assert "reliable improvement" in page
    assert "response (fall ≥ 50%)" in page
    assert "remission" not in page


@pytest.mark.django_db
def test_the_trend_page_says_no_reliable_change_below_the_threshold(cast, make_assessment):
    make_assessment(cast.client, "GAD-7", total=12, band="moderate", days_ago=20)
    make_assessment(cast.client, "GAD-7", total=9, band="mild", days_ago=0)
    page = web_as(cast.clinician).get(f"/clients/{cast.client.id}/assessments/").content.decode()
    assert "no reliable change (needs a fall of 4)" in page


@pytest.mark.django_db
def test_the_trend_page_runs_a_fixed_number_of_queries(
    cast, make_assessment, django_assert_max_num_queries
):
    web = web_as(cast.clinician)
    make_assessment(cast.client, "PHQ-9", total=5, band="mild", days_ago=3)
    url = f"/clients/{cast.client.id}/assessments/"
    web.get(url)
    with django_assert_max_num_queries(40) as baseline:
        web.get(url)
    count = len(baseline.captured_queries)
    for index in range(12):
        make_assessment(cast.client, "PHQ-9", total=index, band="mild", days_ago=index + 4)
        make_assessment(
            cast.client, "BARC-10", total=30 + index, band="below_threshold", days_ago=index
        )
    with django_assert_max_num_queries(count):
        web.get(url)


@pytest.mark.django_db
def test_scores_caseload_filters_and_sorts_by_latest_band(cast, make_assessment):
    mild = ClientFactory(program=cast.program, last_name="Amberly")
    severe = ClientFactory(program=cast.program, last_name="Bramblewood")
    make_assessment(mild, "PHQ-9", total=20, band="severe", band_severity=4, days_ago=30)
    make_assessment(mild, "PHQ-9", total=6, band="mild", band_severity=1, days_ago=1)
    make_assessment(severe, "PHQ-9", total=22, band="severe", band_severity=4, days_ago=2)
    web = web_as(cast.coordinator)
    page = web.get("/assessments/scores/?instrument=PHQ-9&sort=-severity").content.decode()
    assert page.index("Bramblewood") < page.index("Amberly") < page.index("Quillfeather")
    page = web.get("/assessments/scores/?instrument=PHQ-9&band=severe").content.decode()
    assert "Bramblewood" in page and "Amberly" not in page
    page = web.get("/assessments/scores/?instrument=PHQ-9&band=none").content.decode()
    assert "Quillfeather" in page and "Bramblewood" not in page


@pytest.mark.django_db
def test_scores_caseload_runs_a_fixed_number_of_queries(
    cast, make_assessment, django_assert_max_num_queries
):
    web = web_as(cast.clinician)
    web.get("/assessments/scores/")
    with django_assert_max_num_queries(40) as baseline:
        web.get("/assessments/scores/")
    count = len(baseline.captured_queries)
    for index in range(15):
        person = ClientFactory(program=cast.program)
        make_assessment(person, "PHQ-9", total=index, band="mild", days_ago=index)
    with django_assert_max_num_queries(count):
        web.get("/assessments/scores/")


@pytest.mark.django_db
def test_the_client_page_shows_a_scores_panel_to_staff(cast):
    services.assessment_submit(
        actor=cast.clinician, client=cast.client, instrument="PHQ-9", answers=[1] * 9
    )
    page = web_as(cast.coordinator).get(f"/clients/{cast.client.id}/").content.decode()
    assert "Scores and trends" in page
    page = web_as(cast.front_desk).get(f"/clients/{cast.client.id}/").content.decode()
    assert "Scores and trends" not in page


@pytest.mark.django_db
def test_an_admin_changes_the_programs_schedule(cast):
    web = web_as(cast.admin)
    response = web.post(
        f"/assessments/schedules/{cast.program.id}/PHQ-9/",
        {"at_intake": "on", "iop_every_days": "7", "aftercare_every_days": "30"},
    )
    assert response.status_code == 302
    page = web.get("/assessments/schedules/").content.decode()
    assert "every 7 days" in page


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(cast):
    response = WebClient().get(f"/clients/{cast.client.id}/assessments/")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_high_risk_cssrs_shows_the_client_crisis_resources_at_once(cast):
    web = web_as(cast.client_user)
    data = {
        "item_1": "yes",
        "item_2": "yes",
        "item_3": "no",
        "item_4": "yes",
        "item_5": "no",
        "item_6": "no",
    }
    response = web.post("/me/assessments/C-SSRS-SCREEN/", data)
    page = web.get(response["Location"]).content.decode()
    assert 'data-testid="crisis-resources"' in page
    assert "Your score" not in page
    assert Alert.objects.get(client=cast.client).kind == "safety.cssrs_positive"


# ---- review additions ----------
@pytest.mark.django_db
def test_switching_fill_mode_never_redirects_off_the_site(cast):
    web = web_as(cast.client_user)
    for target in ("https://evil.example/phish", "//evil.example/", "javascript:alert(1)"):
        response = web.post("/me/assessments/mode/", {"mode": "page", "next": target})
        assert response.status_code == 302
        assert response["Location"] == "/me/assessments/", target


@pytest.mark.django_db
def test_switching_fill_mode_returns_to_the_questionnaire(cast):
    response = web_as(cast.client_user).post(
        "/me/assessments/mode/", {"mode": "step", "next": "/me/assessments/PHQ-9/"}
    )
    assert response["Location"] == "/me/assessments/PHQ-9/"


@pytest.mark.django_db
def test_the_schedules_page_runs_a_fixed_number_of_queries_whatever_the_programs(
    cast, django_assert_max_num_queries
):
    from recoverypath.accounts.models import Role
    from recoverypath.assessments.models import ScheduleRule
    from tests.factories import MembershipFactory, ProgramFactory

    web = web_as(cast.admin)
    ScheduleRule.objects.create(program=cast.program, instrument="PHQ-9", iop_every_days=7)
    web.get("/assessments/schedules/")
    with django_assert_max_num_queries(20) as baseline:
        web.get("/assessments/schedules/")
    for index in range(4):
        program = ProgramFactory(organization=cast.program.organization, name=f"Program X{index}")
        MembershipFactory(user=cast.admin, program=program, role=Role.ADMIN)
        ScheduleRule.objects.create(program=program, instrument="GAD-7", iop_every_days=10 + index)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        page = web.get("/assessments/schedules/").content.decode()
    assert "Program X3" in page and "every 13 days" in page and "every 7 days" in page


@pytest.mark.django_db
def test_the_scores_panel_shows_the_latest_result_of_each_instrument(cast, make_assessment):
    from recoverypath.assessments.selectors import assessment_latest_per_instrument

    oldest_phq9 = make_assessment(cast.client, "PHQ-9", total=20, band="severe", days_ago=30)
    newest_phq9 = make_assessment(cast.client, "PHQ-9", total=4, band="minimal", days_ago=1)
    gad7 = make_assessment(cast.client, "GAD-7", total=9, band="mild", days_ago=5)
    assert [a.id for a in assessment_latest_per_instrument(client=cast.client)] == [
        newest_phq9.id,
        gad7.id,
    ]
    page = web_as(cast.coordinator).get(f"/clients/{cast.client.id}/").content.decode()
    assert f"/clients/{cast.client.id}/assessments/{newest_phq9.id}/" in page
    assert f"/clients/{cast.client.id}/assessments/{oldest_phq9.id}/" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [("clinician", True), ("coordinator", False)])
def test_the_scores_page_links_to_schedules_only_for_those_who_may_open_them(cast, role, shown):
    page = web_as(getattr(cast, role)).get("/assessments/scores/").content.decode()
    assert ('href="/assessments/schedules/"' in page) == shown
