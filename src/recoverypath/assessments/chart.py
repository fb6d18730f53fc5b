"""Trend charts drawn on the server as SVG geometry (no JavaScript, no CDN).

`trend_chart` turns dated values into coordinates; the template `assessments/_chart.html` draws
them. Band thresholds are horizontal lines at each band's lower edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

WIDTH = 640
HEIGHT = 240
LEFT = 44
RIGHT = 16
TOP = 16
BOTTOM = 36

SERIES_CLASSES = ("series-a", "series-b", "series-c", "series-d")


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

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class Line:
    y: float
    value: int
    label: str


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

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)


def trend_chart(
    *,
    title: str,
    series: dict[str, list[tuple[datetime, int, str]]],
    value_range: tuple[int, int],
    thresholds: list[tuple[int, str]],
    date_format: str = "%b %-d",
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
        drawn.append(
            Series(
                name=name,
                css=SERIES_CLASSES[index % len(SERIES_CLASSES)],
                points=[
                    Point(x_of(when), y_of(value), value, when.strftime(date_format), url)
                    for when, value, url in sorted(points, key=lambda p: p[0])
                ],
            )
        )
    step = 1 if span <= 6 else (2 if span <= 12 else 5)
    ticks = [Line(y_of(v), v, str(v)) for v in range(low, high + 1) if (v - low) % step == 0]
    if high - ticks[-1].value > step / 2:  # label the top unless it would crowd the last tick
        ticks.append(Line(y_of(high), high, str(high)))
    x_labels: list[Point] = []
    if moments:
        picks = [moments[0], moments[-1]] if len(moments) > 1 else [moments[0]]
        if len(moments) > 4:
            picks.insert(1, moments[len(moments) // 2])
        x_labels = [Point(x_of(m), HEIGHT - BOTTOM + 18, 0, m.strftime(date_format)) for m in picks]
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
    )
