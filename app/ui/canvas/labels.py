"""Placing link labels where they cover neither a card nor another label.

A pass over all links, run shortly after edits settle: each label takes the first free spot
along its link (middle first), else it is hidden (the link's tooltip still names the flow).
Cards and placed labels sit in a coarse spatial hash, so a pass over thousands of links is
a few lookups per label.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.ui.canvas.style import CARD_H, CARD_W

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene

BUCKET = 256.0
CLEARANCE = 3.0  # labels keep this far from cards and from each other

Box = tuple[float, float, float, float]


class LabelPlacer:
    """Rectangles already taken (cards, placed labels), hashed into BUCKET-sized cells."""

    def __init__(self, boxes: Iterable[Box] = ()):
        self._cells: dict[tuple[int, int], list[Box]] = {}
        for box in boxes:
            self.add(box)

    @staticmethod
    def _cells_of(x: float, y: float, w: float, h: float) -> list[tuple[int, int]]:
        x0, x1 = int(x // BUCKET), int((x + w) // BUCKET)
        y0, y1 = int(y // BUCKET), int((y + h) // BUCKET)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def add(self, box: Box) -> None:
        for cell in self._cells_of(*box):
            self._cells.setdefault(cell, []).append(box)

    def blocked(self, x: float, y: float, w: float, h: float) -> bool:
        """Whether the rectangle comes closer than CLEARANCE to anything taken."""
        c = CLEARANCE
        left, top, right, bottom = x - c, y - c, x + w + c, y + h + c
        for cell in self._cells_of(left, top, right - left, bottom - top):
            for bx, by, bw, bh in self._cells.get(cell, ()):
                if left < bx + bw and bx < right and top < by + bh and by < bottom:
                    return True
        return False


def place_labels(scene: DesignScene) -> int:
    """Place every link label of the scene; returns how many are shown."""
    placer = LabelPlacer(
        (pos.x(), pos.y(), CARD_W, CARD_H) for pos in (item.pos() for item in scene.component_items())
    )
    shown = 0
    for link in scene.link_items():
        rect = link.place_label(placer.blocked)
        if rect is not None:
            placer.add((rect.x(), rect.y(), rect.width(), rect.height()))
            shown += 1
    return shown
