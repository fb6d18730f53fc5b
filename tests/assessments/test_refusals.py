"""Every malformed answer list is refused, with a message naming the item; nothing is scored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from recoverypath.assessments.instruments import REGISTRY

Y, N, _ = True, False, None

VALID = {
    "PHQ-9": [0] * 9,
    "GAD-7": [0] * 7,
    "AUDIT-C": [1, 0, 0],
    "DAST-10": [N] * 10,
    "BAM": [0, 0, 0, 0, 0, 0, None, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "BARC-10": [1] * 10,
    "C-SSRS-SCREEN": [N, N, _, _, _, N, _],
}


def refused(code, answers) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        REGISTRY[code].score(answers)
    return exc.value.message_dict["answers"]


def with_item(code, number, value):
    answers = list(VALID[code])
    answers[number - 1] = value
    return answers


def test_every_valid_example_here_is_accepted():
    for code, answers in VALID.items():
        REGISTRY[code].score(answers)


@pytest.mark.parametrize("code", list(VALID))
def test_too_few_answers_name_the_first_missing_item(code):
    count = len(VALID[code])
    messages = refused(code, VALID[code][:-1])
    assert messages[0].startswith(f"item {count}: missing")


@pytest.mark.parametrize("code", list(VALID))
def test_an_empty_answer_list_names_item_1(code):
    assert refused(code, [])[0].startswith("item 1: missing")


@pytest.mark.parametrize("code", list(VALID))
def test_too_many_answers_name_the_item_past_the_end(code):
    count = len(VALID[code])
    messages = refused(code, [*VALID[code], VALID[code][0]])
    assert messages == [
        f"item {count + 1}: {code} has only {count} items ({count + 1} answers given)"
    ]


@pytest.mark.parametrize("code", list(VALID))
@pytest.mark.parametrize("not_a_list", [None, "0,0,0", 7, {"1": 0}])
def test_answers_that_are_not_a_list_are_refused(code, not_a_list):
    assert "must be a list" in refused(code, not_a_list)[0]


@pytest.mark.parametrize(
    ("code", "number", "value", "message"),
    [
        ("PHQ-9", 4, 4, "item 4: must be 0-3"),
        ("PHQ-9", 1, -1, "item 1: must be 0-3"),
        ("PHQ-9", 9, 1.5, "item 9: must be 0-3"),
        ("PHQ-9", 2, "2", "item 2: must be 0-3"),
        ("PHQ-9", 3, True, "item 3: must be 0-3"),
        ("PHQ-9", 5, None, "item 5: an answer is required"),
        ("GAD-7", 7, 4, "item 7: must be 0-3"),
        ("GAD-7", 1, None, "item 1: an answer is required"),
        ("AUDIT-C", 1, 5, "item 1: must be 0-4"),
        ("AUDIT-C", 3, -1, "item 3: must be 0-4"),
        # Q1 "Never" lets Q2 and Q3 go unasked (test_consistency); after drinking they are asked.
        ("AUDIT-C", 2, None, "item 2: an answer is required"),
        ("DAST-10", 3, 1, "item 3: must be true or false"),
        ("DAST-10", 10, "yes", "item 10: must be true or false"),
        ("DAST-10", 1, None, "item 1: an answer is required"),
        ("BAM", 1, 5, "item 1: must be 0-4"),
        ("BAM", 2, 31, "item 2: must be a number of days 0-30"),
        ("BAM", 4, -1, "item 4: must be a number of days 0-30"),
        ("BAM", 6, 2.5, "item 6: must be a number of days 0-30"),
        ("BAM", 7, {"7H": 1}, "item 7: unknown part '7H' (expected 7A-7G)"),
        ("BAM", 7, {"7A": 31}, "item 7: 7A must be a number of days 0-30"),
        ("BAM", 7, [1, 2], "item 7: must be an object of days per drug or null"),
        ("BAM", 14, 1, "item 14: must be 0-4"),
        ("BAM", 16, None, "item 16: an answer is required"),
        ("BARC-10", 1, 0, "item 1: must be 1-6"),
        ("BARC-10", 10, 7, "item 10: must be 1-6"),
        ("C-SSRS-SCREEN", 1, 1, "item 1: must be true or false"),
        ("C-SSRS-SCREEN", 2, None, "item 2: an answer is required"),
        ("C-SSRS-SCREEN", 3, True, "item 3: not asked when item 2 is no; send null"),
        ("C-SSRS-SCREEN", 4, False, "item 4: not asked when item 2 is no; send null"),
        ("C-SSRS-SCREEN", 7, True, "item 7: not asked when item 6 is no; send null"),
    ],
)
def test_a_bad_value_is_refused_naming_the_item(code, number, value, message):
    assert refused(code, with_item(code, number, value)) == [message]


def test_several_bad_items_are_all_named():
    assert refused("PHQ-9", [4, 0, 0, 9, 0, 0, 0, 0, None]) == [
        "item 1: must be 0-3",
        "item 4: must be 0-3",
        "item 9: an answer is required",
    ]
