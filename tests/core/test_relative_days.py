"""Relative times in words (#18 part 7): "graduation was 7 days ago", never "-7 days"."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from recoverypath.core.templatetags.recoverypath import relative_days, relative_graduation


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "today"),
        (1, "tomorrow"),
        (3, "in 3 days"),
        (-1, "yesterday"),
        (-7, "7 days ago"),
        (None, ""),
    ],
)
def test_a_count_of_days_reads_in_words(days, words):
    assert relative_days(days) == words


def test_graduation_past_and_future_read_in_words():
    assert relative_graduation(-7) == "Graduation was 7 days ago"
    assert relative_graduation(3) == "Graduation is in 3 days"
    assert relative_graduation(0) == "Graduation is today"


def _render(template: str, days_left: int) -> str:
    plan = SimpleNamespace(
        status="open", target_graduation_date=date(2026, 6, 3), client=SimpleNamespace(id=1)
    )
    readiness = SimpleNamespace(days_left=days_left, missing=[], overdue=[], done=[], total=5)
    return render_to_string(template, {"plan": plan, "readiness": readiness})


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("discharge/_readiness.html", "Graduation was 7 days ago"),
        ("discharge/_home_section.html", "(7 days ago)"),
    ],
)
def test_an_overdue_graduation_is_never_shown_as_a_negative_count(template, expected):
    html = _render(template, -7)
    assert expected in html
    assert "-7" not in html
