"""POST /api/v1/assessments/, GET ?client=, GET /api/v1/instruments/."""

from __future__ import annotations

import pytest

from recoverypath.alerts.models import Alert
from recoverypath.assessments import services
from recoverypath.assessments.models import Assessment
from tests.conftest import api_as
from tests.factories import ClientFactory


def post(user, client, instrument, answers):
    return api_as(user).post(
        "/api/v1/assessments/",
        {"client": client.id, "instrument": instrument, "answers": answers},
        format="json",
    )


@pytest.mark.django_db
def test_post_returns_the_stored_assessment_with_total_band_subscales_flags(cast):
    response = post(cast.client_user, cast.client, "PHQ-9", [2, 2, 2, 2, 2, 0, 0, 0, 0])
    assert response.status_code == 201
    body = response.json()
    assert body["total"] == 10
    assert body["band"] == "moderate"
    assert body["subscales"] == {}
    assert body["flags"] == []
    assert body["answers"] == [2, 2, 2, 2, 2, 0, 0, 0, 0]
    assert body["instrument"] == "PHQ-9"
    assert body["mode"] == "self"
    assert body["scoring_version"] == "PHQ-9/1"
    assert Assessment.objects.get(pk=body["id"]).total == 10


@pytest.mark.django_db
def test_post_bam_returns_subscales_and_no_total(cast):
    answers = [2, 5, 3, 0, 0, 0, None, 1, 3, 10, 2, 3, 20, 4, 1, 25, 3]
    body = post(cast.clinician, cast.client, "BAM", answers).json()
    assert body["total"] is None
    assert body["band"] is None
    # risk: item 1 = 2, 5 nights -> 2, 3 days -> 1, cravings 1, 2 days -> 1, arguments 1 = 8
    # protective: confidence 3, 10 days -> 3, spirituality 3, 20 days -> 4, income 4, 25 -> 4 = 21
    assert body["subscales"] == {"use": 0, "risk": 8, "protective": 21, "progress": 3}
    assert body["flags"] == []


@pytest.mark.django_db
def test_post_cssrs_returns_the_band_and_the_safety_flag(cast):
    body = post(
        cast.clinician, cast.client, "C-SSRS-SCREEN", [True, True, True, False, False, False, None]
    ).json()
    assert body["band"] == "moderate"
    assert body["flags"] == ["safety"]


@pytest.mark.django_db
def test_post_phq9_item9_raises_one_critical_alert(cast):
    body = post(cast.client_user, cast.client, "PHQ-9", [1, 1, 0, 0, 0, 0, 0, 0, 1]).json()
    assert body["total"] == 3
    assert body["flags"] == ["self_harm"]
    assert Alert.objects.filter(client=cast.client, severity="critical").count() == 1


@pytest.mark.django_db
def test_auditc_over_the_api_uses_the_clients_sex(cast):
    man = ClientFactory(program=cast.program, sex_assigned_at_birth="male")
    assert post(cast.clinician, man, "AUDIT-C", [2, 1, 0]).json()["band"] == "negative"
    assert post(cast.clinician, man, "AUDIT-C", [2, 1, 1]).json()["band"] == "positive"
    unknown = ClientFactory(program=cast.program, sex_assigned_at_birth="unknown")
    assert post(cast.clinician, unknown, "AUDIT-C", [2, 1, 0]).json()["band"] == "positive"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("instrument", "answers", "message"),
    [
        ("PHQ-9", [0] * 8, "item 9: missing"),
        ("PHQ-9", [0] * 10, "item 10: PHQ-9 has only 9 items"),
        ("PHQ-9", [0, 0, 0, 4, 0, 0, 0, 0, 0], "item 4: must be 0-3"),
        ("GAD-7", [0, 0, 0, 0, 0, 0, "x"], "item 7: must be 0-3"),
        ("DAST-10", [0] * 10, "item 1: must be true or false"),
        ("BARC-10", [0] * 10, "item 1: must be 1-6"),
        ("BAM", [0] * 17, "item 7: must be an object of days per drug or null"),
        (
            "C-SSRS-SCREEN",
            [True, False, True, None, None, False, None],
            "item 3: not asked when item 2 is no",
        ),
        ("C-SSRS-SCREEN", [False, False, None, None, None, False, True], "item 7: not asked"),
        ("PHQ-9", "not a list", "must be a list of 9 answers"),
    ],
)
def test_bad_answers_are_a_400_naming_the_item(cast, instrument, answers, message):
    response = post(cast.clinician, cast.client, instrument, answers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in error["message"]
    assert any(message in m for m in error["fields"]["answers"])
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_an_unknown_instrument_is_a_400_naming_it(cast):
    response = post(cast.clinician, cast.client, "PHQ-8", [0] * 8)
    assert response.status_code == 400
    assert "unknown instrument 'PHQ-8'" in response.json()["error"]["fields"]["instrument"][0]


@pytest.mark.django_db
def test_missing_fields_are_a_400(cast):
    response = api_as(cast.clinician).post("/api/v1/assessments/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"client", "instrument", "answers"}


@pytest.mark.django_db
def test_list_filters_by_client_and_instrument(cast):
    services.assessment_submit(
        actor=cast.clinician, client=cast.client, instrument="PHQ-9", answers=[0] * 9
    )
    services.assessment_submit(
        actor=cast.clinician, client=cast.client, instrument="GAD-7", answers=[0] * 7
    )
    other = ClientFactory(program=cast.program)
    services.assessment_submit(
        actor=cast.clinician, client=other, instrument="PHQ-9", answers=[0] * 9
    )
    api = api_as(cast.clinician)
    rows = api.get(f"/api/v1/assessments/?client={cast.client.id}").json()["results"]
    assert {r["instrument"] for r in rows} == {"PHQ-9", "GAD-7"}
    assert {r["client"] for r in rows} == {cast.client.id}
    rows = api.get(f"/api/v1/assessments/?client={cast.client.id}&instrument=GAD-7").json()
    assert [r["instrument"] for r in rows["results"]] == ["GAD-7"]
    assert api.get("/api/v1/assessments/?client=abc").status_code == 400


@pytest.mark.django_db
def test_the_list_runs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for _ in range(3):
        services.assessment_submit(
            actor=cast.clinician, client=cast.client, instrument="PHQ-9", answers=[0] * 9
        )
    api = api_as(cast.clinician)
    with django_assert_max_num_queries(6) as few:
        api.get(f"/api/v1/assessments/?client={cast.client.id}")
    count = len(few.captured_queries)
    for _ in range(10):
        services.assessment_submit(
            actor=cast.clinician, client=cast.client, instrument="GAD-7", answers=[0] * 7
        )
    with django_assert_max_num_queries(count):
        api.get(f"/api/v1/assessments/?client={cast.client.id}")


@pytest.mark.django_db
def test_instruments_endpoint_lists_every_definition_with_items_and_codes(cast):
    body = api_as(cast.client_user).get("/api/v1/instruments/").json()
    codes = [i["code"] for i in body]
    assert codes == ["PHQ-9", "GAD-7", "AUDIT-C", "DAST-10", "BAM", "BARC-10", "C-SSRS-SCREEN"]
    phq9 = body[0]
    assert phq9["loinc_panel"] == "44249-1"
    assert phq9["loinc_total"] == "44261-6"
    assert len(phq9["items"]) == 9
    assert phq9["items"][8]["loinc"] == "44260-8"
    assert phq9["items"][0]["options"][1] == {
        "value": 1,
        "label": "Several days",
        "loinc": "LA6569-3",
    }
    auditc = body[2]
    assert "loinc_panel" not in auditc
    assert "loinc" not in auditc["items"][0]
    cssrs = body[6]
    assert cssrs["items"][2]["asked_if"] == {"item": 2, "answer": True}
    one = api_as(cast.client_user).get("/api/v1/instruments/BAM/").json()
    assert one["items"][6]["parts"][0]["key"] == "7A"
    assert api_as(cast.client_user).get("/api/v1/instruments/NOPE/").status_code == 404
