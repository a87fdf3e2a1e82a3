"""Bar charts drawn on the server as SVG (no charting script; the CSP allows none inline):
geometry here, markup in console/_bars.html, each chart with a table of its numbers."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 600, 220
LABEL_SPACE = 30  # under vertical bars, for their labels; above, for their values


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

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

    @property
    def label_line(self) -> float:
        return self.height - 10


def columns(points: list[tuple[str, int]], *, title: str, summary: str) -> Chart:
    """Vertical bars, one per point, left to right."""
    top = max([value for _label, value in points] + [1])
    slot = WIDTH / max(len(points), 1)
    room = HEIGHT - 2 * LABEL_SPACE
    bars = []
    for i, (label, value) in enumerate(points):
        height = room * value / top
        bars.append(Bar(label=label, value=value, x=round(i * slot + slot * 0.15, 1),
                        y=round(HEIGHT - LABEL_SPACE - height, 1), width=round(slot * 0.7, 1),
                        height=round(height, 1)))
    return Chart(title=title, summary=summary, bars=bars, horizontal=False)


def rows(points: list[tuple[str, int]], *, title: str, summary: str,
         label_width: int = 220) -> Chart:
    """Horizontal bars, one per point, top to bottom, labels on the left."""
    top = max([value for _label, value in points] + [1])
    row = 36
    room = WIDTH - label_width - 70  # space after the bar for its value
    bars = [Bar(label=label, value=value, x=label_width, y=i * row + 6,
                width=round(room * value / top, 1), height=row - 12)
            for i, (label, value) in enumerate(points)]
    return Chart(title=title, summary=summary, bars=bars, horizontal=True,
                 height=row * len(points) + 6)
