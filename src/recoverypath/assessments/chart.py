"""Trend charts drawn on the server as SVG geometry (no JavaScript, no CDN).

`trend_chart` turns dated values into coordinates; the template `assessments/_chart.html` draws
them. Band thresholds are horizontal lines at each band's lower edge.

Accessibility: the SVG is one image (`role="img"`, titled) with nothing interactive inside it;
the same values are a data table beside it, where each date links to its result. Series differ
by line style (solid, dashed, dotted, dash-dot) and a label at the end of each line as well as by
colour, so no one needs to tell colours apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import formats

WIDTH = 640
HEIGHT = 240
LEFT = 44
RIGHT = 16
TOP = 16
BOTTOM = 36

SERIES_CLASSES = ("series-a", "series-b", "series-c", "series-d")
# Line style per series, in the same order: SVG stroke-dasharray ("" is solid).
SERIES_DASHES = ("", "9 5", "2 4", "12 4 2 4")
SERIES_STYLE_NAMES = ("solid line", "dashed line", "dotted line", "dash-dot line")


@dataclass
class Point:
    x: float
    y: float
    value: int
    label: str  # date, for the title tooltip
    url: str = ""
    anchor: str = "middle"  # text-anchor of an axis label


@dataclass
class Series:
    name: str
    css: str
    points: list[Point] = field(default_factory=list)
    dash: str = ""
    style_name: str = "solid line"

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def end(self) -> Point | None:
        """Where the series' end label goes: beside its last point."""
        return self.points[-1] if self.points else None

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class Line:
    y: float
    value: int
    label: str


@dataclass
class TableRow:
    label: str
    values: list[int | None]
    url: str = ""


@dataclass
class Chart:
    title: str
    width: int
    height: int
    series: list[Series]
    thresholds: list[Line]
    y_ticks: list[Line]
    x_labels: list[Point]
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    # The data table beside the chart: one row per date, a value (or None) per series.
    rows: list[TableRow] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)


def trend_chart(
    *,
    title: str,
    series: dict[str, list[tuple[datetime, int, str]]],
    value_range: tuple[int, int],
    thresholds: list[tuple[int, str]],
    date_format: str = "MONTH_DAY_FORMAT",
) -> Chart:
    """Scale `series` {name: [(when, value, url)]} into a WIDTH x HEIGHT box."""
    low, high = value_range
    span = max(high - low, 1)
    moments = sorted(when for points in series.values() for when, _, _ in points)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(value: int) -> float:
        return TOP + plot_h * (1 - (value - low) / span)

    if moments:
        first, last = moments[0], moments[-1]
        seconds = max((last - first).total_seconds(), 1.0)
    else:
        first, seconds = None, 1.0

    def x_of(when: datetime) -> float:
        if first is None or len(moments) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * ((when - first).total_seconds() / seconds)

    drawn = []
    for index, (name, points) in enumerate(series.items()):
        style = index % len(SERIES_CLASSES)
        drawn.append(
            Series(
                name=name,
                css=SERIES_CLASSES[style],
                points=[
                    Point(
                        x_of(when), y_of(value), value, formats.date_format(when, date_format), url
                    )
                    for when, value, url in sorted(points, key=lambda p: p[0])
                ],
                dash=SERIES_DASHES[style],
                style_name=SERIES_STYLE_NAMES[style],
            )
        )
    rows: dict[tuple[datetime, str], list[int | None]] = {}
    for index, points in enumerate(series.values()):
        for when, value, url in points:
            rows.setdefault((when, url), [None] * len(series))[index] = value
    table = [
        TableRow(formats.date_format(when, "DATE_FORMAT"), values, url)
        for (when, url), values in sorted(rows.items(), key=lambda kv: kv[0][0])
    ]
    step = 1 if span <= 6 else (2 if span <= 12 else 5)
    ticks = [Line(y_of(v), v, str(v)) for v in range(low, high + 1) if (v - low) % step == 0]
    if high - ticks[-1].value > step / 2:  # label the top unless it would crowd the last tick
        ticks.append(Line(y_of(high), high, str(high)))
    x_labels: list[Point] = []
    if moments:
        picks = [moments[0], moments[-1]] if len(moments) > 1 else [moments[0]]
        if len(moments) > 4:
            picks.insert(1, moments[len(moments) // 2])
        x_labels = [
            Point(x_of(m), HEIGHT - BOTTOM + 18, 0, formats.date_format(m, date_format))
            for m in picks
        ]
        if len(x_labels) > 1:  # keep the first and last dates inside the box
            x_labels[0].anchor, x_labels[-1].anchor = "start", "end"
    return Chart(
        title=title,
        width=WIDTH,
        height=HEIGHT,
        series=drawn,
        thresholds=[Line(y_of(v), v, label) for v, label in thresholds if low < v <= high],
        y_ticks=ticks,
        x_labels=x_labels,
        rows=table,
    )
