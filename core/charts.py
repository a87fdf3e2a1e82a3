"""Bar charts drawn on the server as SVG (no charting script: the CSP allows none inline).

The geometry is here; the markup is the template `charts/bars.html`, which every page
with a chart includes (the operator console, the group dashboard). A chart carries a title
and a summary sentence read out instead of the picture, and the page shows its numbers in a
table too. Series are coloured by class (`s0`, `s1`, ... in charts.css), never by inline style.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 600, 220
LABEL_SPACE = 30  # under vertical bars, for their labels; above, for their values
MAX_LABELS = 8  # past this many columns, only every n-th is labelled (the table has all)


@dataclass(frozen=True)
class Segment:
    """One series' part of a stacked column."""

    series: int
    value: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    segments: tuple[Segment, ...] = ()  # stacked columns only, bottom first
    labelled: bool = True  # whether its label is drawn (crowded charts label every n-th)

    # Where the bar's label and value go (rounded: the SVG is written unlocalized).
    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def middle(self) -> float:
        return round(self.y + self.height / 2 + 4, 1)

    @property
    def above(self) -> float:
        return round(self.y - 6, 1)

    @property
    def before(self) -> float:
        return round(self.x - 8, 1)

    @property
    def after(self) -> float:
        return round(self.x + self.width + 6, 1)


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str  # read out instead of the picture (with the table beside it)
    bars: list[Bar]
    horizontal: bool
    width: int = WIDTH
    height: int = HEIGHT
    series: tuple[str, ...] = ()  # names of a stacked chart's series, bottom first (legend)
    values_shown: bool = True  # values written by the bars (not on crowded or stacked ones)

    @property
    def label_line(self) -> float:
        return self.height - 10

    @property
    def legend(self) -> list[tuple[int, str]]:
        return list(enumerate(self.series))


def _slots(count: int) -> tuple[float, int]:
    """Each column's width, and label every n-th column so labels never overlap."""
    return WIDTH / max(count, 1), max(1, math.ceil(count / MAX_LABELS))


def columns(points: Sequence[tuple[str, int]], *, title: str, summary: str) -> Chart:
    """Vertical bars, one per point, left to right."""
    top = max([value for _label, value in points] + [1])
    slot, every = _slots(len(points))
    room = HEIGHT - 2 * LABEL_SPACE
    bars = []
    for i, (label, value) in enumerate(points):
        height = room * value / top
        bars.append(Bar(label=label, value=value, x=round(i * slot + slot * 0.15, 1),
                        y=round(HEIGHT - LABEL_SPACE - height, 1), width=round(slot * 0.7, 1),
                        height=round(height, 1), labelled=i % every == 0))
    return Chart(title=title, summary=summary, bars=bars, horizontal=False,
                 values_shown=every == 1)


def stacked(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *, title: str,
            summary: str) -> Chart:
    """Vertical bars, one per label, each split into the series (the first at the bottom);
    a bar's value is the sum of its parts."""
    totals = [sum(values[i] for _name, values in series) for i in range(len(labels))]
    top = max(totals + [1])
    slot, every = _slots(len(labels))
    room = HEIGHT - 2 * LABEL_SPACE
    bars = []
    for i, label in enumerate(labels):
        base, segments = HEIGHT - LABEL_SPACE, []
        for s, (_name, values) in enumerate(series):
            height = room * values[i] / top
            base -= height
            segments.append(Segment(series=s, value=values[i], y=round(base, 1),
                                    height=round(height, 1)))
        height = room * totals[i] / top
        bars.append(Bar(label=label, value=totals[i], x=round(i * slot + slot * 0.15, 1),
                        y=round(HEIGHT - LABEL_SPACE - height, 1), width=round(slot * 0.7, 1),
                        height=round(height, 1), segments=tuple(segments),
                        labelled=i % every == 0))
    return Chart(title=title, summary=summary, bars=bars, horizontal=False,
                 series=tuple(name for name, _values in series), values_shown=False)


def rows(points: Sequence[tuple[str, int]], *, title: str, summary: str,
         label_width: int = 220) -> Chart:
    """Horizontal bars, one per point, top to bottom, labels on the left."""
    top = max([value for _label, value in points] + [1])
    row = 36
    room = WIDTH - label_width - 70  # space after the bar for its value
    bars = [Bar(label=label, value=value, x=label_width, y=i * row + 6,
                width=round(room * value / top, 1), height=row - 12)
            for i, (label, value) in enumerate(points)]
    return Chart(title=title, summary=summary, bars=bars, horizontal=True,
                 height=max(row * len(points) + 6, 42))
