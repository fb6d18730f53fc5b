"""Trend charts a screen reader and a colour-blind reader can use: nothing interactive inside the
image, the values as a table beside it, series told apart by line style and label."""

from __future__ import annotations

import re

import pytest

from .test_access import web_as

pytestmark = pytest.mark.django_db


def _page(cast) -> str:
    return web_as(cast.clinician).get(f"/clients/{cast.client.id}/assessments/").content.decode()


def _svgs(page: str) -> list[str]:
    return re.findall(r'<svg viewBox="0 0 640 240" role="img".*?</svg>', page, flags=re.S)


def test_no_link_or_other_interactive_element_sits_inside_a_chart_image(cast, make_assessment):
    for days_ago, total in ((28, 14), (14, 11), (0, 8)):
        make_assessment(cast.client, "PHQ-9", total=total, band="moderate", days_ago=days_ago)
    svgs = _svgs(_page(cast))
    assert len(svgs) == 1
    assert not re.search(r"<a[\s>]|tabindex|<button|<input", svgs[0])


def test_the_chart_values_are_a_table_beside_it_with_each_date_linking_to_its_result(
    cast, make_assessment
):
    first = make_assessment(cast.client, "PHQ-9", total=14, band="moderate", days_ago=14)
    make_assessment(cast.client, "PHQ-9", total=8, band="mild", days_ago=0)
    page = _page(cast)
    table = re.search(r'<table data-testid="trend-table-PHQ-9">.*?</table>', page, flags=re.S)
    assert table is not None
    assert "<caption>Depression (PHQ-9): values by date</caption>" in table.group(0)
    assert f'href="/clients/{cast.client.id}/assessments/{first.id}/"' in table.group(0)
    assert re.findall(r"<td>(\d+)</td>", table.group(0)) == ["14", "8"]


def test_bam_series_differ_by_line_style_and_label_not_colour_alone(cast, make_assessment):
    for days_ago, use in ((28, 6), (0, 2)):
        make_assessment(
            cast.client,
            "BAM",
            total=None,
            band="",
            days_ago=days_ago,
            subscales={"use": use, "risk": 10, "protective": 14, "progress": 2},
        )
    page = _page(cast)
    (svg,) = _svgs(page)
    lines = re.findall(r'<polyline class="series-line" points="[^"]*"([^/]*)/>', svg)
    assert len(lines) == 3
    dashes = [re.search(r'stroke-dasharray="([^"]+)"', attrs) for attrs in lines]
    assert dashes[0] is None  # solid
    assert len({d.group(1) for d in dashes[1:]}) == 2  # two different dash patterns
    for label in ("Use", "Risk", "Protective"):
        assert f">{label}</text>" in svg
    assert "Risk (dashed line)" in page and "Protective (dotted line)" in page
