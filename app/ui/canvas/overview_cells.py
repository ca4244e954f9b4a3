"""The zoomed-out overview's batches cut into square cells of the scene.

The overview draws every card and link of the design in a few batched calls. Zoomed out only
a little (just below the zoom where cards become blocks), most of a large design is out of
view, yet a frame still walked every card's rectangle and stroked every link. Cut into
CELL-sized squares (by where each card lies; links by their place and size, see _key), a frame
draws only the groups that meet the exposed rectangle: the same pens and kinds of batches, on
a fraction of the items. A frame showing every group draws them merged, as before the cut.
Made once per overview build (see Overview.cells), from the same cards and links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPath

from app.ui.canvas import style as st
from app.ui.canvas.link_item import LinkItem

CELL = 2048.0  # scene units: at the block threshold a 1600 px view spans about 3 x 2 cells
CellKey = tuple[int, int, int]  # level, column and row (see _key)
MAX_LEVEL = 12  # cells of CELL * 2**12 units: larger than any design


@dataclass
class Cell:
    """What the overview draws in one square of the scene; `bounds` holds all of it."""

    bounds: QRectF = field(default_factory=QRectF)
    cards: dict[str, list[QRectF]] = field(default_factory=dict)
    links: dict[tuple[str, bool], QPainterPath] = field(default_factory=dict)
    arrows: dict[str, QPainterPath] = field(default_factory=dict)


class OverviewCells:
    """Cards (by stage colour) and links (by family and dash) grouped by cell."""

    def __init__(self, cards: dict[str, list[QRectF]] | None = None, links: Iterable[LinkItem] = ()):
        """The cells of `cards` and `links` at once; or empty, to be filled with add_cards() and
        add_link() (a rebuild in slices, see Overview.rebuild_in_slices) and then finish()ed."""
        self.cells: dict[CellKey, Cell] = {}
        self._whole: Cell | None = None  # every cell merged (see exposed)
        self._extents: dict[CellKey, list[float]] = {}  # left, top, right, bottom of each cell's contents
        if cards is None:
            return
        for color, rects in cards.items():
            self.add_cards(color, rects)
        for link in links:
            self.add_link(link)
        self.finish()

    def add_cards(self, color: str, rects: Iterable[QRectF]) -> None:
        w, h = st.CARD_W, st.CARD_H
        extents = self._extents
        for rect in rects:
            x, y = rect.x(), rect.y()
            key = (0, int(x // CELL), int(y // CELL))
            self._cell(key).cards.setdefault(color, []).append(rect)
            _extend(extents, key, x, y, x + w, y + h)

    def add_link(self, link: LinkItem) -> None:
        pos = link.pos()
        x, y = pos.x(), pos.y()  # the link's source card: its cell
        b = link.boundingRect()  # path, arrow head and label, with a margin
        left, top, right, bottom = x + b.left(), y + b.top(), x + b.right(), y + b.bottom()
        key = _key(left, top, right, bottom)
        cell = self._cell(key)
        batch = cell.links.get((link.family, link.feedback))
        if batch is None:
            batch = cell.links[(link.family, link.feedback)] = QPainterPath()
        batch.addPath(link.path().translated(x, y))
        heads = cell.arrows.get(link.family)
        if heads is None:
            heads = cell.arrows[link.family] = QPainterPath()
        heads.addPolygon(link.arrow().translated(x, y))
        _extend(self._extents, key, left, top, right, bottom)

    def finish(self) -> None:
        """Set each cell's bounds from what was added."""
        self._whole = None
        margin = st.RADIUS + 3  # the rounded corners' antialiasing and the selection outline
        for key, (left, top, right, bottom) in self._extents.items():
            self.cells[key].bounds = QRectF(left, top, right - left, bottom - top).adjusted(
                -margin, -margin, margin, margin
            )

    def _cell(self, key: CellKey) -> Cell:
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = Cell()
        return cell

    def exposed(self, rect: QRectF) -> list[Cell]:
        """The cells with something inside `rect` (scene coordinates); all of them merged into
        one when `rect` shows them all (the fitted view: a few large batches draw fastest)."""
        shown = [cell for cell in self.cells.values() if cell.bounds.intersects(rect)]
        if len(shown) < len(self.cells) or len(shown) <= 1:
            return shown
        if self._whole is None:
            self._whole = _merged(shown)
        return [self._whole]


def _extend(extents: dict[CellKey, list[float]], key: CellKey, *box: float) -> None:
    found = extents.get(key)
    if found is None:
        extents[key] = list(box)
        return
    left, top, right, bottom = box
    if left < found[0]:
        found[0] = left
    if top < found[1]:
        found[1] = top
    if right > found[2]:
        found[2] = right
    if bottom > found[3]:
        found[3] = bottom


def _merged(cells: list[Cell]) -> Cell:
    """One cell drawing what `cells` draw, batch by batch in the same order of kinds."""
    whole = Cell()
    for cell in cells:
        whole.bounds = cell.bounds if whole.bounds.isNull() else whole.bounds.united(cell.bounds)
        for color, rects in cell.cards.items():
            whole.cards.setdefault(color, []).extend(rects)
        for key, path in cell.links.items():
            whole.links.setdefault(key, QPainterPath()).addPath(path)
        for family, heads in cell.arrows.items():
            whole.arrows.setdefault(family, QPainterPath()).addPath(heads)
    return whole


def _key(left: float, top: float, right: float, bottom: float) -> CellKey:
    """The group of a link with these bounds: at the smallest level whose cells (CELL * 2**level
    units, level 0 for the cards) hold it within two columns and two rows, the cell of its top
    left corner. A long link thus goes with the few other links of its size and place, not into
    the cell it leaves from (every frame showing that cell would draw it), and the groups stay
    few (about 1.4 times the level-0 cells) so that a frame showing all of them is cheap too."""
    size = CELL
    for level in range(MAX_LEVEL):
        col, row = int(left // size), int(top // size)
        if int(right // size) - col <= 1 and int(bottom // size) - row <= 1:
            return (level, col, row)
        size *= 2
    return (MAX_LEVEL, 0, 0)
