"""The program report's chart, drawn on the server as SVG geometry (no JavaScript, no CDN), like
assessments' trend charts: per week, tests asked for (random, for cause, scheduled) beside tests
given, with the week's compliance as a label."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 260
LEFT = 40
RIGHT = 12
TOP = 16
BOTTOM = 40


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass
class Tick:
    x: float
    y: float
    label: str


@dataclass
class BarChart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    asked: list[Bar] = field(default_factory=list)
    given: list[Bar] = field(default_factory=list)
    x_labels: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not any(b.height for b in self.asked + self.given)


def weekly_chart(weeks) -> BarChart:
    """`weeks`: selectors.WeekRow list. Bars scale to the busiest week."""
    chart = BarChart(title="Tests asked for and given, by week")
    if not weeks:
        return chart
    top = max(max(w.selected for w in weeks), max(w.collected for w in weeks), 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / len(weeks)
    bar_w = max(slot * 0.38, 1.0)
    every = max(1, len(weeks) // 8)
    for i, week in enumerate(weeks):
        x0 = LEFT + i * slot + slot * 0.1
        for value, target, offset in (
            (week.selected, chart.asked, 0),
            (week.collected, chart.given, bar_w),
        ):
            h = plot_h * value / top
            target.append(
                Bar(
                    x=x0 + offset,
                    y=TOP + plot_h - h,
                    width=bar_w,
                    height=h,
                    label=f"Week of {week.week:%b %-d}: {value}",
                )
            )
        if i % every == 0:
            chart.x_labels.append(
                Tick(x=x0 + bar_w, y=HEIGHT - BOTTOM + 16, label=f"{week.week:%b %-d}")
            )
    for step in range(5):
        value = round(top * step / 4)
        chart.y_ticks.append(
            Tick(x=LEFT - 6, y=TOP + plot_h - plot_h * value / top, label=str(value))
        )
    return chart
