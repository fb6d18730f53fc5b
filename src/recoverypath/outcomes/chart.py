"""The outcome report's chart, drawn on the server as SVG geometry: one horizontal bar per rate
(0-100%), labelled with the rate and its numerator/denominator."""

from __future__ import annotations

from dataclasses import dataclass

from .figures import Rate

WIDTH = 640
LABEL_WIDTH = 300
ROW = 26


@dataclass
class RateBar:
    y: int
    width: float
    label: str
    value_label: str


@dataclass
class RateChart:
    title: str
    width: int
    height: int
    bar_x: int
    bar_max: int
    bars: list[RateBar]


def rate_chart(title: str, rates: list[Rate]) -> RateChart:
    bar_max = WIDTH - LABEL_WIDTH - 110
    bars = []
    for index, rate in enumerate(rates):
        value = rate.value or 0.0
        bars.append(
            RateBar(
                y=10 + index * ROW,
                width=round(bar_max * value, 1),
                label=rate.label,
                value_label=f"{rate.percent} ({rate.numerator}/{rate.denominator})",
            )
        )
    return RateChart(title, WIDTH, 20 + ROW * len(rates), LABEL_WIDTH, bar_max, bars)
