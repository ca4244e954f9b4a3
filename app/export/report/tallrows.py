"""Taller cards where a name needs a third line.

A figure's cards are laid out at one size (app.layout); a name too long for two lines at
MIN_TEXT_PT in the card's width at the scale the figure is drawn at gets a third line. Its row of
cards is made taller for it: the scene is stretched downwards by a monotone map of y (each row
band of cards stretched, everything below moved down), which keeps orthogonal routes
orthogonal, routes attached where they met the cards, and nothing overlapping that did not.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from app.export.report.figtext import fits_whole
from app.export.report.fonts import FontSet
from app.export.scene import Scene

NAME_LINES = 3  # lines a card's name may take at most


class CardText(NamedTuple):
    """How a card's name is set on the page: points, line height as a share of them, and the
    card's inner padding in points."""

    size: float
    leading: float
    pad: float


def legible_floor(scene: Scene, min_card: tuple[float, float]) -> float:
    """The smallest scale at which every card of `scene` is at least `min_card` on the page."""
    if not scene.cards:
        return 0.0
    width = min(card.width for card in scene.cards)
    height = min(card.height for card in scene.cards)
    return max(min_card[0] / width, min_card[1] / height)


def taller_rows(
    scene: Scene,
    fonts: FontSet,
    scale: float,
    text: CardText,
    *,
    known: dict[tuple[str, bool, float, int], bool] | None = None,
    rows: int | None = None,
) -> Scene:
    """`scene` with the rows of cards whose names need a third line in `text` when drawn
    at `scale` made taller, so that they hold NAME_LINES lines there; the scene itself when none
    does. `rows` (None: all) is how many of those rows at most: the ones with the most such
    names, the upper one first among equals. `known` keeps whether a name fits (name, bold,
    width, lines) from call to call."""
    bands = _bands(scene, fonts, scale, text, known)
    if rows is not None:
        chosen = sorted(range(len(bands)), key=lambda i: (-bands[i][3], i))[: max(rows, 0)]
        for i, band in enumerate(bands):
            if i not in chosen:
                band[2] = 0.0
    if not any(band[2] for band in bands):
        return scene

    def at(y: float) -> float:
        shift = 0.0
        for top, bottom, extra, _names in bands:
            if y <= top:
                break
            if y < bottom:
                return y + shift + extra * (y - top) / (bottom - top)
            shift += extra
        return y + shift

    cards = tuple(replace(c, y=at(c.y), height=at(c.y + c.height) - at(c.y)) for c in scene.cards)
    wires = tuple(replace(w, points=tuple((x, at(y)) for x, y in w.points)) for w in scene.wires)
    return Scene(cards, wires, scene.bands, scene.width, at(scene.height))


def needed_rows(scene: Scene, fonts: FontSet, scale: float, text: CardText) -> int:
    """How many rows of `scene` taller_rows makes taller at `scale` (`rows` None)."""
    return sum(1 for band in _bands(scene, fonts, scale, text) if band[2])


def _bands(
    scene: Scene,
    fonts: FontSet,
    scale: float,
    text: CardText,
    known: dict[tuple[str, bool, float, int], bool] | None = None,
) -> list[list[float]]:
    """[top, bottom, extra, names] of each band of overlapping cards of `scene`, top to bottom:
    the layout points it grows by for its names needing a third line, and how many they are."""
    if not scene.cards or scale <= 0:
        return []
    known = {} if known is None else known
    size, leading, pad = text
    needed_page = NAME_LINES * size * leading + 2 * pad + 0.5
    extra_of: list[tuple[float, float, float]] = []  # (top, bottom, extra) of each card
    for card in scene.cards:
        lines = int((card.height * scale - 2 * pad) // (size * leading))
        extra = 0.0
        if lines < NAME_LINES:
            key = (card.name, not card.muted, round(card.width * scale - 2 * pad, 2), lines)
            whole = known.get(key)
            if whole is None:
                whole = known[key] = fits_whole(card.name, key[2], size, fonts, lines, bold=key[1])
            if not whole:
                extra = needed_page / scale - card.height
        extra_of.append((card.y, card.y + card.height, max(extra, 0.0)))
    bands: list[list[float]] = []
    members: list[list[tuple[float, float]]] = []  # (height, extra) of the cards of each band
    for top, bottom, extra in sorted(extra_of):
        if bands and top < bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], bottom)
            members[-1].append((bottom - top, extra))
        else:
            bands.append([top, bottom, 0.0, 0.0])
            members.append([(bottom - top, extra)])
    for band, cards_of in zip(bands, members, strict=True):
        # a band is stretched evenly: a card of height h gets extra * h / (band's height) of it
        band[2] = max(
            (extra * (band[1] - band[0]) / height for height, extra in cards_of if height > 0), default=0.0
        )
        band[3] = sum(1 for _height, extra in cards_of if extra > 0)
    return bands
