"""A Scene (app.export.scene) drawn natively on the report's pages.

The layout is scaled to the frame; text is not: it is set in points on the page, between
MIN_TEXT_PT and NAME_MAX_PT, and fitted into each card (name on up to two lines, broken as
on the canvas by app.domain.line_breaks: at spaces, after a slash or hyphen only where whole
words do not fit, a word too long for a line cut with a hyphen; set smaller down to
MIN_TEXT_PT when only that keeps it whole, then on a third line, cut with an ellipsis only
when not whole even so; the kind below it when there is room). Figures are therefore only
placed at a scale where a card is at least MIN_CARD on the page, holding two name lines at
MIN_TEXT_PT (SceneFigure.floor; the planner in app.export.report.diagram sees to it); a row of
cards one of whose names needs a third line at the scale the figure is drawn at is made taller
for it (app.export.report.tallrows; as many such rows as the page has room for at the legible
floor). Lane titles sit in a strip of HEADER_ROOM points above the layout.
"""

from __future__ import annotations

import math
from typing import Any, cast

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.export.report.figtext import draw_label, fit_lines, fits_whole, pdf_color, shorten, wrapped_direction
from app.export.report.fonts import FontSet
from app.export.report.tallrows import NAME_LINES, CardText, legible_floor, needed_rows, taller_rows
from app.export.scene import Card, Scene, Wire

MIN_TEXT_PT = 7.0
NAME_MAX_PT = 10.0
TITLE_PT = 7.5
HEADER_ROOM = 22.0  # two lines of lane title
# Card sizes the report's figures are laid out with (layout points): the first when it fits
# the page legibly, else the flat one (room for the name only).
FIGURE_CARD = (260.0, 92.0)
FLAT_CARD = (260.0, 64.0)
MIN_CARD = (92.0, 23.0)  # smallest card on the page (points): two name lines at MIN_TEXT_PT
MAX_SCALE = 0.5  # a small figure is not blown up beyond this
PAD = 3.0
LEADING = 1.18
NAME_TEXT = CardText(MIN_TEXT_PT, LEADING, PAD)  # a name at the legible floor
ARROW = 5.0
LINE_WIDTH = 0.7


def name_size(card_height: float) -> float:
    """Point size of component names on cards `card_height` points tall."""
    return max(MIN_TEXT_PT, min(NAME_MAX_PT, 0.16 * card_height))


def card_name(name: str, inner: float, room: float, fonts: FontSet, *, bold: bool) -> tuple[float, list[str]]:
    """Point size and lines of a card's name in `inner` x `room` points: up to two lines at
    the size the card's height gives, smaller (down to MIN_TEXT_PT) when the name is whole
    only so, then up to NAME_LINES lines the same way when the room holds them; cut with an
    ellipsis only when it is not whole even so."""
    start = name_size(room + 2 * PAD)
    for limit in (2, NAME_LINES):
        size = start
        while True:
            most = min(limit, max(1, int(room // (size * LEADING))))
            if fits_whole(name, inner, size, fonts, most, bold=bold):
                return size, fit_lines(name, inner, size, fonts, most, bold=bold)
            if size <= MIN_TEXT_PT:
                break
            size = max(MIN_TEXT_PT, size - 0.5)
        if most < limit:  # no room for more lines
            break
    return size, fit_lines(name, inner, size, fonts, most, bold=bold)


def card_floor(card: tuple[float, float]) -> float:
    """The smallest scale at which cards of that size (layout points) stay legible."""
    return max(MIN_CARD[0] / card[0], MIN_CARD[1] / card[1])


class SceneFigure(Flowable):
    """A scene scaled to the available width, at most `max_scale`.

    `floor` is the smallest scale at which the cards stay legible (MIN_CARD on the page).
    Without `min_scale` it is also scaled down to the available height (a figure with a page
    of its own). With it, a figure too tall for the rest of the page shrinks down to
    `min_scale`, and moves to the next page when it would have to shrink more. Draft layout
    passes (the document template's `draft` flag) skip drawing: only the size matters there.
    """

    def __init__(
        self,
        scene: Scene,
        fonts: FontSet,
        *,
        max_scale: float = MAX_SCALE,
        min_scale: float | None = None,
        rows: int | None = None,
    ):
        super().__init__()
        self.floor = legible_floor(scene, MIN_CARD)
        self.plain = scene  # without taller rows
        self.rows = rows  # how many rows may be made taller at most (None: all that need it)
        self.fonts = fonts
        self.max_scale = max_scale
        self.min_scale = min_scale
        self.scale = max_scale
        self._at: dict[float, Scene] = {}
        self._known: dict[tuple[str, bool, float, int], bool] = {}

    def scene_at(self, scale: float) -> Scene:
        """The scene as drawn at `scale`: the rows whose names need a third line there taller
        (at most `rows` of them; below the legible floor, as at the floor: the figure is not
        legible there anyway)."""
        scale = max(scale, self.floor)
        found = self._at.get(scale)
        if found is None:
            found = self._at[scale] = taller_rows(
                self.plain, self.fonts, scale, NAME_TEXT, known=self._known, rows=self.rows
            )
        return found

    @property
    def scene(self) -> Scene:
        """The scene at the scale last chosen (wrap, fit)."""
        return self.scene_at(self.scale)

    def needed_rows(self, scale: float) -> int:
        """How many rows need to be taller at `scale` for every name to be whole there."""
        return needed_rows(self.plain, self.fonts, max(scale, self.floor), NAME_TEXT)

    def cut_names(self, scale: float) -> list[str]:
        """The names not whole on their cards at `scale` (NAME_LINES at MIN_TEXT_PT)."""
        cut = []
        for card in self.scene_at(scale).cards:
            inner, room = card.width * scale - 2 * PAD, card.height * scale - 2 * PAD
            most = min(NAME_LINES, max(1, int(room // (MIN_TEXT_PT * LEADING))))
            if not fits_whole(card.name, inner, MIN_TEXT_PT, self.fonts, most, bold=not card.muted):
                cut.append(card.name)
        return cut

    def fit(self, avail_width: float, avail_height: float) -> float:
        """The scale showing the whole scene in that room (capped at max_scale), its rows made
        taller for the names that need it at that very scale: the largest scale s at which the
        scene drawn at s fits (rows grow as s shrinks, so trying the scale the last try's scene
        fits at comes down to it)."""
        width = max(self.plain.width, 1.0)
        scale = min(
            self.max_scale, avail_width / width, (avail_height - HEADER_ROOM) / max(self.plain.height, 1.0)
        )
        for _ in range(12):
            if scale <= 0:
                return scale
            fits = (avail_height - HEADER_ROOM) / max(self.scene_at(scale).height, 1.0)
            if fits >= scale:
                return scale
            scale = fits
        return scale

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width = max(self.plain.width, 1.0)
        across = min(self.max_scale, avail_width / width)
        if self.min_scale is None or getattr(self, "_postponed", False):
            self.scale = self.fit(avail_width, avail_height)
        elif max(self.scene_at(across).height, 1.0) * across + HEADER_ROOM <= avail_height:
            self.scale = across
        else:
            shrunk = self.fit(avail_width, avail_height)
            self.scale = shrunk if shrunk >= self.min_scale else across  # else the frame moves it on
        return width * self.scale, max(self.scene.height, 1.0) * self.scale + HEADER_ROOM

    def draw(self) -> None:
        canv = self.canv
        if getattr(getattr(canv, "_doctemplate", None), "draft", False):
            return
        # A form XObject of its own, drawn unscaled: the figure's text is set at its final size,
        # and readers (and tests) can tell the figure's content from the page's.
        # Named by its order in the document: the same names in every build of it.
        number = getattr(canv, "_mlsd_figures", 0)
        cast(Any, canv)._mlsd_figures = number + 1
        name = f"mlsd-figure-{number}"
        width, height = self.scene.width * self.scale, self.scene.height * self.scale + HEADER_ROOM
        canv.beginForm(name, 0, 0, width, height)
        draw_scene(canv, self.scene, self.fonts, self.scale)
        canv.endForm()
        canv.doForm(name)


def draw_scene(canv: Canvas, scene: Scene, fonts: FontSet, scale: float) -> None:
    """Draw `scene` at `scale` with its bottom-left corner at the canvas origin."""
    top = scene.height * scale  # the layout's y = 0, below the lane titles
    total = top + HEADER_ROOM

    def at(x: float, y: float) -> tuple[float, float]:
        return x * scale, top - y * scale

    canv.saveState()
    for band in scene.bands:
        canv.setFillColor(pdf_color(band.fill))
        canv.setStrokeColor(pdf_color(band.color))
        canv.setLineWidth(0.5)
        canv.roundRect(band.x * scale, 0, band.width * scale, total, 3, stroke=1, fill=1)
        baseline = total - TITLE_PT - 3
        direction = wrapped_direction(band.title)
        for line in fit_lines(band.title, band.width * scale - 2 * PAD, TITLE_PT, fonts, 2, bold=True):
            draw_label(
                canv, line, band.x * scale + PAD, baseline, TITLE_PT, fonts, bold=True, color=band.color,
                base=direction,
            )  # fmt: skip
            baseline -= TITLE_PT * LEADING
    for wire in scene.wires:
        _draw_wire(canv, [at(x, y) for x, y in wire.points], wire)
    for card in scene.cards:
        left, bottom = at(card.x, card.y + card.height)
        _draw_card(canv, card, left, bottom, card.width * scale, card.height * scale, scale, fonts)
    canv.restoreState()


def _draw_wire(canv: Canvas, points: list[tuple[float, float]], wire: Wire) -> None:
    (x0, y0), (x1, y1) = points[-2], points[-1]
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    arrow = min(ARROW, length)
    base = (x1 - ux * arrow, y1 - uy * arrow)
    canv.setStrokeColor(pdf_color(wire.color))
    canv.setFillColor(pdf_color(wire.color))
    canv.setLineWidth(LINE_WIDTH)
    canv.setDash(3, 2) if wire.dashed else canv.setDash()
    path = canv.beginPath()
    path.moveTo(*points[0])
    for point in [*points[1:-1], base]:
        path.lineTo(*point)
    canv.drawPath(path, stroke=1, fill=0)
    canv.setDash()
    half = arrow * 0.42
    head = canv.beginPath()
    head.moveTo(x1, y1)
    head.lineTo(base[0] - uy * half, base[1] + ux * half)
    head.lineTo(base[0] + uy * half, base[1] - ux * half)
    head.close()
    canv.drawPath(head, stroke=0, fill=1)


def _draw_card(
    canv: Canvas, card: Card, left: float, bottom: float, width: float, height: float, scale: float,
    fonts: FontSet,
) -> None:  # fmt: skip
    canv.setFillColor(pdf_color(card.fill))
    canv.setStrokeColor(pdf_color(card.border))
    canv.setLineWidth(card.pen * 0.6)
    canv.roundRect(left, bottom, width, height, min(5.0, 10 * scale), stroke=1, fill=1)
    inner, room = width - 2 * PAD, height - 2 * PAD
    size, lines = card_name(card.name, inner, room, fonts, bold=not card.muted)
    kind_size = max(MIN_TEXT_PT, size - 1.5)
    block = len(lines) * size * LEADING
    kind = None
    if room - block >= kind_size * LEADING:
        kind = shorten(card.kind, inner, kind_size, fonts)
        block += kind_size * LEADING
    baseline = bottom + height / 2 + block / 2 - size * 0.9
    centre = left + width / 2
    direction = wrapped_direction(card.name)
    for line in lines:
        draw_label(canv, line, centre, baseline, size, fonts, bold=not card.muted, color=card.ink,
                   anchor="middle", base=direction)  # fmt: skip
        baseline -= size * LEADING
    if kind is not None:
        baseline += (size - kind_size) * 0.9
        color = card.ink if card.muted else "#566573"
        draw_label(canv, kind, centre, baseline, kind_size, fonts, color=color, anchor="middle")
