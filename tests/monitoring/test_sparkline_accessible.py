"""The mood and craving sparkline tells its two lines apart by dash pattern and label, not by
red and green alone, and names both for screen readers."""

from __future__ import annotations

import re

from recoverypath.monitoring.sparkline import mood_craving_sparkline


def test_craving_is_solid_and_mood_dashed_each_labelled_at_its_end():
    svg = str(mood_craving_sparkline(moods=[2, 3, 4, 4], cravings=[8, 6, 5, 3]))
    lines = re.findall(r'<polyline [^>]*stroke-dasharray="([^"]+)"[^>]*><title>([^<]+)', svg)
    assert lines == [
        ("none", "Craving (0-10), solid line"),
        ("3 2", "Mood (1-5), dashed line"),
    ]
    assert re.findall(r"<text [^>]*>(\w+)</text>", svg) == ["crave", "mood"]
    assert (
        'aria-label="14 days: craving 8 to 3, mood 2 to 4 (craving solid line, mood dashed' in svg
    )


def test_a_lone_mood_point_is_a_hollow_dot_and_a_lone_craving_point_a_filled_one():
    svg = str(mood_craving_sparkline(moods=[None, 3, None], cravings=[None, 7, None]))
    dots = re.findall(r'<circle [^>]*fill="([^"]+)"', svg)
    assert dots == ["#b3261e", "none"]


def test_no_check_ins_draw_no_lines_and_say_so():
    svg = str(mood_craving_sparkline(moods=[None] * 14, cravings=[None] * 14))
    assert "<polyline" not in svg and "<text" not in svg
    assert "no check-ins" in svg


def test_text_in_the_markup_is_escaped():
    from recoverypath.monitoring.sparkline import sparkline_svg

    svg = sparkline_svg(
        series=[('<script>"x"</script>', [1, None, 2, 3], 0, 3, '#f00" onload="x', "1 1", "a<b")],
        label="<img src=x onerror=alert(1)>",
    )
    assert "<script>" not in svg and "<img" not in svg and 'onload="x' not in svg
    assert "&lt;script&gt;&quot;x&quot;" in svg and "a&lt;b" in svg
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 1
