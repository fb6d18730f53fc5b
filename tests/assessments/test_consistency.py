"""Rules across items that the manuals imply: each refusal names the item, in the API's 400 JSON
fields and on the form's field, and nothing is stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from recoverypath.assessments.instruments import REGISTRY
from recoverypath.assessments.models import Assessment

from .test_access import web_as
from .test_api import post

BAM = REGISTRY["BAM"]
AUDIT_C = REGISTRY["AUDIT-C"]


def bam(**overrides):
    answers = [0, 0, 0, 0, 0, 0, None, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    for key, value in overrides.items():
        answers[int(key.split("_")[1]) - 1] = value
    return answers


def refused(instrument, answers) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        instrument.score(answers)
    return exc.value.message_dict["answers"]


# ---- BAM -----------------------------------------------------------------------------------
def test_bam_refuses_drug_days_by_drug_when_item_6_is_zero():
    assert refused(BAM, bam(item_7={"7A": 3})) == [
        "item 7: 7A: not asked when item 6 is 0 days of drug use; leave it empty or correct item 6"
    ]


def test_bam_refuses_a_drug_used_on_more_days_than_any_drug_was():
    assert refused(BAM, bam(item_6=5, item_7={"7A": 5, "7C": 12})) == [
        "item 7: 7C: 12 days is more than the 5 days of any drug use in item 6"
    ]


def test_bam_accepts_drug_days_within_item_6_even_when_they_add_up_to_more():
    # Two drugs on the same day: the parts may sum past item 6, each stays within it.
    score = BAM.score(bam(item_6=5, item_7={"7A": 5, "7E": 4}))
    assert "use" in score.flags


def test_bam_accepts_zero_or_empty_drug_days_when_item_6_is_zero():
    BAM.score(bam(item_7={"7A": 0}))
    BAM.score(bam(item_7=None))


def test_bam_refuses_more_heavy_drinking_days_than_drinking_days():
    assert refused(BAM, bam(item_4=3, item_5=4)) == [
        "item 5: 4 days of heavy drinking is more than the 3 days of any drinking in item 4"
    ]
    BAM.score(bam(item_4=4, item_5=4))


# ---- AUDIT-C -------------------------------------------------------------------------------
@pytest.mark.parametrize(("q2", "q3", "item"), [(0, 2, 3), (1, 0, 2)])
def test_auditc_refuses_drinking_answers_after_never(q2, q3, item):
    assert refused(AUDIT_C, [0, q2, q3]) == [
        f"item {item}: must be 0 or not asked when item 1 is Never (no drinking)"
    ]


def test_auditc_never_with_the_later_questions_not_asked_scores_zero_negative():
    score = AUDIT_C.score([0, None, None])
    assert (score.total, score.band, score.flags) == (0, "negative", [])


def test_auditc_later_questions_are_still_required_after_drinking():
    assert refused(AUDIT_C, [2, None, 0]) == ["item 2: an answer is required"]


# ---- through the API and the form ----------------------------------------------------------
@pytest.mark.django_db
def test_the_api_answers_400_naming_the_item_in_fields(cast):
    response = post(cast.clinician, cast.client, "AUDIT-C", [0, 0, 3])
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "answers": ["item 3: must be 0 or not asked when item 1 is Never (no drinking)"]
    }
    response = post(cast.clinician, cast.client, "BAM", bam(item_7={"7B": 2}))
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["answers"][0].startswith("item 7: 7B:")
    assert not Assessment.objects.exists()


def _bam_form(**values):
    data = {f"item_{n}": "0" for n in range(1, 18) if n != 7}
    data.update({k: str(v) for k, v in values.items()})
    return data


@pytest.mark.django_db
def test_the_bam_form_puts_each_refusal_on_its_question(cast):
    url = f"/clients/{cast.client.id}/assessments/new/BAM/"
    response = web_as(cast.clinician).post(url, _bam_form(item_4=2, item_5=3, item_7_7E=4))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["item_5"] == [
        "Question 5: 3 days of heavy drinking is more than the 2 days of any drinking in item 4"
    ]
    assert form.errors["item_7_7E"][0].startswith("Question 7: 7E: not asked when item 6 is 0")
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_the_auditc_form_refuses_q3_after_never_on_question_3(cast):
    url = f"/clients/{cast.client.id}/assessments/new/AUDIT-C/"
    response = web_as(cast.clinician).post(url, {"item_1": "0", "item_2": "0", "item_3": "1"})
    assert response.context["form"].errors["item_3"] == [
        "Question 3: must be 0 or not asked when item 1 is Never (no drinking)"
    ]


@pytest.mark.django_db
def test_the_auditc_form_accepts_never_with_the_later_questions_left_empty(cast):
    url = f"/clients/{cast.client.id}/assessments/new/AUDIT-C/"
    response = web_as(cast.clinician).post(url, {"item_1": "0"})
    assert response.status_code == 302
    assert Assessment.objects.get().answers == [0, None, None]
