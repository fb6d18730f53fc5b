"""Worked examples derived from CLINICAL.md, band edge by band edge, plus property tests."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from recoverypath.assessments.instruments import REGISTRY, ScoringContext, instrument_get
from recoverypath.assessments.instruments.bam import code_days

PHQ9 = REGISTRY["PHQ-9"]
GAD7 = REGISTRY["GAD-7"]
AUDITC = REGISTRY["AUDIT-C"]
DAST10 = REGISTRY["DAST-10"]
BAM = REGISTRY["BAM"]
BARC10 = REGISTRY["BARC-10"]
CSSRS = REGISTRY["C-SSRS-SCREEN"]


def answers_summing_to(total: int, count: int, top: int, low: int = 0) -> list[int]:
    """A valid answer list (each low..top) whose sum is `total`."""
    answers = [low] * count
    rest = total - low * count
    for index in range(count):
        step = min(top - low, rest)
        answers[index] += step
        rest -= step
    assert rest == 0
    return answers


def test_the_registry_holds_exactly_the_seven_codes_of_the_issue():
    assert list(REGISTRY) == [
        "PHQ-9",
        "GAD-7",
        "AUDIT-C",
        "DAST-10",
        "BAM",
        "BARC-10",
        "C-SSRS-SCREEN",
    ]


# ---- PHQ-9 ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges_are_inclusive_at_the_lower_edge(total, band):
    answers = [*answers_summing_to(total, 8, 3), 0] if total <= 24 else [3] * 9
    score = PHQ9.score(answers)
    assert (score.total, score.band) == (total, band)


def test_phq9_item_9_above_zero_flags_self_harm_whatever_the_total():
    score = PHQ9.score([1, 1, 0, 0, 0, 0, 0, 0, 1])
    assert score.total == 3
    assert score.band == "minimal"
    assert score.flags == ["self_harm"]


def test_phq9_item_9_at_zero_does_not_flag_even_when_severe():
    assert PHQ9.score([3, 3, 3, 3, 3, 3, 3, 3, 0]).flags == []


def test_phq9_scores_carry_a_scoring_version_and_no_subscales():
    score = PHQ9.score([0] * 9)
    assert score.scoring_version == "PHQ-9/1"
    assert score.subscales == {}


def test_phq9_loinc_codes_are_exactly_clinical_mds():
    assert PHQ9.loinc_panel == "44249-1"
    assert PHQ9.loinc_total == "44261-6"
    assert [i.loinc for i in PHQ9.items] == [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ]
    assert [o.loinc for o in PHQ9.items[0].options] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]


# ---- GAD-7 ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_edges(total, band):
    score = GAD7.score(answers_summing_to(total, 7, 3))
    assert (score.total, score.band, score.flags) == (total, band, [])


def test_gad7_loinc_codes_are_exactly_clinical_mds():
    assert (GAD7.loinc_panel, GAD7.loinc_total) == ("69737-5", "70274-6")
    assert [i.loinc for i in GAD7.items] == [
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ]


# ---- AUDIT-C -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("male", 3, "negative"),
        ("male", 4, "positive"),
        ("female", 2, "negative"),
        ("female", 3, "positive"),
        ("unknown", 2, "negative"),
        ("unknown", 3, "positive"),
        ("", 3, "positive"),
        ("male", 0, "negative"),
        ("female", 12, "positive"),
    ],
)
def test_auditc_cut_off_depends_on_sex_assigned_at_birth(sex, total, band):
    answers = answers_summing_to(total, 3, 4)
    score = AUDITC.score(answers, ScoringContext(sex_assigned_at_birth=sex))
    assert (score.total, score.band) == (total, band)


def test_auditc_without_a_context_uses_the_not_recorded_cut_off_of_3():
    assert AUDITC.score([3, 0, 0]).band == "positive"


def test_auditc_q1_only_when_points_come_from_item_1_alone():
    assert AUDITC.score([4, 0, 0]).flags == ["q1_only"]
    assert AUDITC.score([1, 0, 0]).flags == ["q1_only"]
    assert AUDITC.score([0, 0, 0]).flags == []
    assert AUDITC.score([2, 1, 0]).flags == []
    assert AUDITC.score([2, 0, 1]).flags == []


def test_auditc_leaves_out_the_unconfirmed_panel_and_item_1_codes():
    assert AUDITC.loinc_panel == ""
    assert AUDITC.loinc_total == "75626-2"
    assert [i.loinc for i in AUDITC.items] == ["", "68519-8", "68520-6"]


# ---- DAST-10 -------------------------------------------------------------------------------
def test_dast10_all_no_scores_1_because_item_3_is_reversed():
    score = DAST10.score([False] * 10)
    assert (score.total, score.band) == (1, "low")


def test_dast10_all_yes_scores_9_because_item_3_is_reversed():
    score = DAST10.score([True] * 10)
    assert (score.total, score.band) == (9, "severe")


def test_dast10_yes_to_item_3_alone_scores_0():
    answers = [False] * 10
    answers[2] = True
    assert DAST10.score(answers).total == 0
    assert DAST10.score(answers).band == "none"


@pytest.mark.parametrize(
    ("yes_items", "total", "band"),
    [
        ((3,), 0, "none"),
        ((), 1, "low"),
        ((1, 3), 1, "low"),
        ((1,), 2, "low"),
        ((1, 2), 3, "moderate"),
        ((1, 2, 4, 5), 5, "moderate"),
        ((1, 2, 4, 5, 6), 6, "substantial"),
        ((1, 2, 4, 5, 6, 7, 8), 8, "substantial"),
        ((1, 2, 4, 5, 6, 7, 8, 9), 9, "severe"),
        ((1, 2, 4, 5, 6, 7, 8, 9, 10), 10, "severe"),
    ],
)
def test_dast10_band_edges(yes_items, total, band):
    answers = [number in yes_items for number in range(1, 11)]
    score = DAST10.score(answers)
    assert (score.total, score.band) == (total, band)


# ---- BAM ----------
@pytest.mark.parametrize(
    ("days", "code"),
    [(0, 0), (1, 1), (3, 1), (4, 2), (8, 2), (9, 3), (15, 3), (16, 4), (30, 4)],
)
def test_bam_day_bins(days, code):
    assert code_days(days) == code


def bam(**overrides):
    """A BAM answer list with every item at 0 (days 0) unless overridden as item_<n>=value."""
    answers = [0] * 17
    answers[6] = None
    for key, value in overrides.items():
        answers[int(key.split("_")[1]) - 1] = value
    return answers


def test_bam_subscales_sum_the_coded_items_of_clinical_md():
    # use = 4 + 5 + 6: 4 days -> 2, 3 days -> 1, 16 days -> 4
    # risk = 1 + 2 + 3 + 8 + 11 + 15: 4 (poor) + 9 nights -> 3 + 1 day -> 1 + 2 + 8 days -> 2 + 3
    # protective = 9 + 10 + 12 + 13 + 14 + 16: 1 + 30 -> 4 + 2 + 15 -> 3 + 4 + 0 -> 0
    answers = bam(
        item_1=4,
        item_2=9,
        item_3=1,
        item_4=4,
        item_5=3,
        item_6=16,
        item_8=2,
        item_9=1,
        item_10=30,
        item_11=8,
        item_12=2,
        item_13=15,
        item_14=4,
        item_15=3,
        item_16=0,
        item_17=3,
    )
    answers[6] = {"7A": 10, "7E": 16}
    score = BAM.score(answers)
    assert score.subscales == {"use": 7, "risk": 15, "protective": 14, "progress": 3}
    assert score.total is None and score.band is None
    assert score.flags == ["use", "risk"]


def test_bam_flags_low_protection_at_12_or_less_and_not_at_13():
    twelve = bam(item_9=4, item_12=4, item_14=4)  # protective 12
    assert BAM.score(twelve).subscales["protective"] == 12
    assert "low_protection" in BAM.score(twelve).flags
    thirteen = bam(item_9=4, item_12=4, item_14=4, item_10=1)  # 1 day -> 1
    assert BAM.score(thirteen).subscales["protective"] == 13
    assert "low_protection" not in BAM.score(thirteen).flags


def test_bam_flags_risk_at_12_and_not_at_11():
    eleven = bam(item_1=4, item_8=4, item_15=3)
    assert BAM.score(eleven).subscales["risk"] == 11
    assert "risk" not in BAM.score(eleven).flags
    twelve = bam(item_1=4, item_8=4, item_15=4)
    assert "risk" in BAM.score(twelve).flags


def test_bam_use_flag_needs_one_day_of_use():
    assert "use" not in BAM.score(bam()).flags
    assert "use" in BAM.score(bam(item_4=1)).flags


def test_bam_item_7_is_not_scored():
    with_drugs = bam(item_6=30)
    with_drugs[6] = {k: 30 for k in ("7A", "7B", "7C", "7D", "7E", "7F", "7G")}
    assert BAM.score(with_drugs).subscales == BAM.score(bam(item_6=30)).subscales


def test_bam_item_14_takes_only_no_0_or_yes_4():
    with pytest.raises(ValidationError, match="item 14: must be 0-4"):
        BAM.validate(bam(item_14=2))


# ---- BARC-10 -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("total", "band"),
    [
        (10, "below_threshold"),
        (46, "below_threshold"),
        (47, "meets_threshold"),
        (60, "meets_threshold"),
    ],
)
def test_barc10_threshold_of_47(total, band):
    score = BARC10.score(answers_summing_to(total, 10, 6, low=1))
    assert (score.total, score.band) == (total, band)


# ---- C-SSRS screener -----------------------------------------------------------------------
Y, N, _ = True, False, None


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ([N, N, _, _, _, N, _], "none"),
        ([Y, N, _, _, _, N, _], "low"),
        ([N, Y, N, N, N, N, _], "low"),
        ([Y, Y, N, N, N, N, _], "low"),
        ([Y, Y, Y, N, N, N, _], "moderate"),
        ([N, N, _, _, _, Y, N], "moderate"),
        ([Y, Y, N, Y, N, N, _], "high"),
        ([Y, Y, N, N, Y, N, _], "high"),
        ([N, N, _, _, _, Y, Y], "high"),
        ([Y, Y, Y, Y, Y, Y, Y], "high"),
        ([Y, Y, Y, N, N, Y, N], "moderate"),
    ],
)
def test_cssrs_triage_is_the_highest_level_reached(answers, band):
    score = CSSRS.score(answers)
    assert score.band == band
    assert score.total is None
    assert score.flags == (["safety"] if band in ("moderate", "high") else [])


def test_cssrs_refuses_answers_to_items_3_to_5_when_item_2_is_no():
    with pytest.raises(ValidationError) as exc:
        CSSRS.validate([Y, N, Y, _, _, N, _])
    assert exc.value.message_dict["answers"] == ["item 3: not asked when item 2 is no; send null"]
    with pytest.raises(ValidationError, match="item 5: not asked when item 2 is no"):
        CSSRS.validate([Y, N, _, _, N, N, _])


def test_cssrs_requires_items_3_to_5_when_item_2_is_yes():
    with pytest.raises(ValidationError) as exc:
        CSSRS.validate([Y, Y, _, _, _, N, _])
    assert exc.value.message_dict["answers"] == [
        "item 3: an answer is required",
        "item 4: an answer is required",
        "item 5: an answer is required",
    ]


def test_cssrs_refuses_the_within_3_months_entry_when_item_6_is_no():
    with pytest.raises(ValidationError, match="item 7: not asked when item 6 is no"):
        CSSRS.validate([N, N, _, _, _, N, Y])


def test_cssrs_requires_the_within_3_months_entry_when_item_6_is_yes():
    with pytest.raises(ValidationError, match="item 7: an answer is required"):
        CSSRS.validate([N, N, _, _, _, Y, _])


# ---- properties ----------
def _consistent(instrument, answers) -> bool:
    return not (instrument.consistency and instrument.consistency(answers))


def _choice_lists(instrument):
    # Only answer lists the instrument's consistency rules accept (AUDIT-C: Q1 "Never" means
    # Q2 and Q3 are 0).
    return (
        st.tuples(*[st.sampled_from([o.value for o in item.options]) for item in instrument.items])
        .map(list)
        .filter(lambda answers: _consistent(instrument, answers))
    )


@pytest.mark.parametrize("code", ["PHQ-9", "GAD-7", "BARC-10", "AUDIT-C"])
def test_sum_scored_totals_stay_in_range_and_always_have_a_band(code):
    instrument = REGISTRY[code]
    low, high = instrument.total_range

    @settings(deadline=None)
    @given(_choice_lists(instrument), st.sampled_from(["male", "female", "unknown"]))
    def check(answers, sex):
        score = instrument.score(answers, ScoringContext(sex_assigned_at_birth=sex))
        assert low <= score.total <= high
        assert score.total == sum(answers)
        assert score.band in {b.name for b in instrument.bands}

    check()


@pytest.mark.parametrize("code", ["PHQ-9", "GAD-7", "BARC-10", "AUDIT-C"])
def test_raising_any_one_answer_never_lowers_the_total_or_the_band(code):
    instrument = REGISTRY[code]

    @settings(deadline=None)
    @given(_choice_lists(instrument), st.data(), st.sampled_from(["male", "female", "unknown"]))
    def check(answers, data, sex):
        context = ScoringContext(sex_assigned_at_birth=sex)
        index = data.draw(st.integers(0, len(answers) - 1))
        values = sorted(o.value for o in instrument.items[index].options)
        higher = data.draw(st.sampled_from([v for v in values if v >= answers[index]]))
        raised = [*answers[:index], higher, *answers[index + 1 :]]
        assume(_consistent(instrument, raised))
        before, after = instrument.score(answers, context), instrument.score(raised, context)
        assert after.total >= before.total
        severity = instrument.band_severity
        if instrument.higher_is_worse:
            assert severity(after.band) >= severity(before.band)
        else:
            assert severity(after.band) <= severity(before.band)

    check()


@settings(deadline=None)
@given(st.lists(st.booleans(), min_size=10, max_size=10))
def test_dast10_total_is_in_range_and_monotone_in_problem_answers(answers):
    score = DAST10.score(answers)
    assert 0 <= score.total <= 10
    # Moving any item toward "problem" (yes, or no for item 3) never lowers the total.
    for index in range(10):
        problem = index != 2
        changed = [*answers[:index], problem, *answers[index + 1 :]]
        assert DAST10.score(changed).total >= score.total


_DAYS = st.integers(0, 30)
_SCALE = st.integers(0, 4)


@st.composite
def bam_answers(draw):
    answers = []
    for item in BAM.items:
        if item.kind == "days":
            answers.append(draw(_DAYS))
        elif item.kind == "days_by_drug":
            answers.append(draw(st.none() | st.dictionaries(st.sampled_from(["7A", "7C"]), _DAYS)))
        else:
            answers.append(draw(st.sampled_from([o.value for o in item.options])))
    # The manual's cross-item rules: item 5 <= item 4; each drug's days <= item 6, none at 0.
    answers[4] = min(answers[4], answers[3])
    if answers[6] is not None:
        answers[6] = {k: min(v, answers[5]) for k, v in answers[6].items()} if answers[5] else None
    return answers


@settings(deadline=None)
@given(bam_answers(), st.integers(0, 16), _DAYS)
def test_bam_subscales_stay_in_range_and_grow_with_days(answers, index, extra):
    score = BAM.score(answers)
    assert 0 <= score.subscales["use"] <= 12
    assert 0 <= score.subscales["risk"] <= 24
    assert 0 <= score.subscales["protective"] <= 24
    assert 0 <= score.subscales["progress"] <= 4
    item = BAM.items[index]
    if item.kind == "days" and extra >= answers[index]:
        more = [*answers[:index], extra, *answers[index + 1 :]]
        assume(_consistent(BAM, more))
        after = BAM.score(more).subscales
        for name in ("use", "risk", "protective"):
            assert after[name] >= score.subscales[name]


@settings(deadline=None)
@given(st.lists(st.booleans(), min_size=7, max_size=7))
def test_cssrs_any_valid_answer_list_has_a_band_and_more_yes_never_lowers_it(raw):
    def shape(values):
        values = list(values)
        if not values[1]:
            values[2:5] = [None, None, None]
        if not values[5]:
            values[6] = None
        return values

    answers = shape(raw)
    order = ["none", "low", "moderate", "high"]
    band = CSSRS.score(answers).band
    for index in (0, 1, 2, 3, 4, 5):
        if answers[index] is False:
            raised = list(answers)
            raised[index] = True
            if index == 1:
                raised[2:5] = [False, False, False]
            if index == 5:
                raised[6] = False
            assert order.index(CSSRS.score(shape(raised)).band) >= order.index(band)


def test_an_unknown_instrument_is_refused_naming_it():
    with pytest.raises(ValidationError) as exc:
        instrument_get("PHQ-8")
    assert "unknown instrument 'PHQ-8'" in exc.value.message_dict["instrument"][0]
