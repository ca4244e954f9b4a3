"""Where the links' labels go in a drawing of our layout: on the route, clear of cards and of
the labels placed before.

A label sits on a white box centred on a point of its link's route. The middle of the longest
segment (the first choice) often runs along a card's side or shares its spot with another
link's label, and the box then hid the end of a card's name ("Vendor LLM (pinned version" in
the RAG template) or half of another label. Each link tries points along its segments, longest
first, and takes the first whose box touches no card and no label placed before; failing that,
the one that overlaps least, where covering text (a card's lines, another label) costs
TEXT_WEIGHT times as much as covering a card's margin.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1

CELL = 120.0  # points: the grid the boxes are indexed in
FRACTIONS = (0.5, 0.3, 0.7, 0.15, 0.85)  # along a segment, in order of preference
MARGIN = 1.0  # points kept between a label and what it must not cover
TEXT_WEIGHT = 20.0
TEXT_INSET = 10.0  # points between a card's side and its text
TEXT_HALF_HEIGHT = 34.0  # points: half the height of a card's text (two lines of name, kind, technology)


def _area(a: Box, b: Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0]) + MARGIN
    height = min(a[3], b[3]) - max(a[1], b[1]) + MARGIN
    return width * height if width > 0 and height > 0 else 0.0


def text_zone(card: Box) -> Box:
    """Where a card's text may be: its middle, short of its sides."""
    middle = (card[1] + card[3]) / 2
    half = min(TEXT_HALF_HEIGHT, (card[3] - card[1]) / 2)
    return card[0] + TEXT_INSET, middle - half, card[2] - TEXT_INSET, middle + half


class LabelSpots:
    """Chooses each label's centre, given the cards labels must not cover."""

    def __init__(self, cards: Iterable[Box]) -> None:
        self._boxes: list[tuple[Box, float]] = []
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for card in cards:
            self._add(card, 1.0)
            self._add(text_zone(card), TEXT_WEIGHT)

    def _cells(self, box: Box) -> Iterable[tuple[int, int]]:
        for gx in range(int(box[0] // CELL), int(box[2] // CELL) + 1):
            for gy in range(int(box[1] // CELL), int(box[3] // CELL) + 1):
                yield gx, gy

    def _add(self, box: Box, weight: float) -> None:
        self._boxes.append((box, weight))
        for cell in self._cells(box):
            self._grid[cell].append(len(self._boxes) - 1)

    def _overlap(self, box: Box) -> float:
        near = {i for cell in self._cells(box) for i in self._grid.get(cell, ())}
        return sum(_area(box, self._boxes[i][0]) * self._boxes[i][1] for i in near)

    def place(self, points: Sequence[Point], size: tuple[float, float]) -> Point:
        """The centre of a label of `size` (width, height) on the route `points`; the label
        then counts as an obstacle for the next ones."""
        half_w, half_h = size[0] / 2, size[1] / 2
        segments = sorted(
            zip(points, points[1:], strict=False),
            key=lambda p: -(abs(p[1][0] - p[0][0]) + abs(p[1][1] - p[0][1])),
        )
        best: tuple[float, Point] | None = None
        for (x0, y0), (x1, y1) in segments:
            for t in FRACTIONS:
                spot = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
                cost = self._overlap((spot[0] - half_w, spot[1] - half_h, spot[0] + half_w, spot[1] + half_h))
                if best is None or cost < best[0]:
                    best = (cost, spot)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        spot = best[1] if best else points[0]
        self._add((spot[0] - half_w, spot[1] - half_h, spot[0] + half_w, spot[1] + half_h), TEXT_WEIGHT)
        return spot
