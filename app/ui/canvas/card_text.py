"""Semantic zoom: which text a card shows at a zoom, and how large.

A card is CARD_W x CARD_H scene units whatever the zoom. While it is at least
BLOCK_MIN_PX wide on screen its name stays readable: the name's font grows inside the card
(in scene units) as the view zooms out, so that on screen it never drops below NAME_MIN_PX.
The name wraps onto two lines (shrinking toward NAME_FLOOR_PX rather than being elided) and is
elided only when that is not enough; the technology line goes first and
then the kind's header text as room runs out. Below BLOCK_MIN_PX a card is a plain stage-coloured
block (see overview.py); only selected, hovered or matched cards are labelled then.

Font sizes are whole pixels, so a layout is computed once per name and size (a "bucket", the
zoom level) and cached (see level_cache.py); invalidate() drops it all when the fonts change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QStaticText

from app.domain import line_breaks
from app.ui.canvas import style as st
from app.ui.canvas.level_cache import level_cache

NAME_MIN_PX = 12.0  # smallest on-screen size of a name while the card is BLOCK_MIN_PX or wider
NAME_FLOOR_PX = 11.0  # a name may shrink to this on-screen size to stay on one line
ONE_LINE_GROWTH = 1.6  # a name that fits on one line may be drawn up to this much larger
SMALL_MIN_PX = 9.0  # kind and technology lines are drawn at least this large, or not at all
BLOCK_MIN_PX = st.BLOCK_MIN_PX  # narrower cards are stage-coloured blocks
BLOCK_ZOOM = st.LOD_THRESHOLD  # the zoom at which cards become blocks
NAME_BASE = 13  # the name's size at 1:1 and closer (scene units)
SMALL_BASE = 11  # kind and technology at 1:1 and closer
MAX_LINES = 2
PIN_MIN = 10  # size of the pin glyph: at least this, or PIN_SCALE of the name's size
PIN_SCALE = 0.7
PIN_GAP = 3.0
LINE_STEP = 1.2  # line spacing of a wrapped name, in font sizes (tighter than most fonts' own)
STRIP_H = 8.0  # the stage strip left when the kind's header text no longer fits
GAP = 5.0  # vertical gap between blocks of text
TEXT_WIDTH = st.CARD_W - 2 * st.PAD
CONDENSED = int(QFont.Stretch.Condensed.value)
ZOOMED_OUT_PAD = 6.0  # narrower side padding of zoomed-out cards: room for the name
_ELIDE = Qt.TextElideMode.ElideRight
LAYOUTS = 16384  # layouts kept (name and size bucket); a few hundred bytes each
SMALL_LINES = 4096  # kind and technology lines kept (text, size and width)
MEMO_TEXTS = 256  # advances (and elisions) remembered per font size (see MemoMetrics)


@dataclass(frozen=True)
class CardText:
    """The text a card draws at one size bucket (all lengths in scene units)."""

    name_size: int  # the name font's pixel size in scene units
    name_stretch: int  # the name font's stretch (0: the default for its size)
    lines: tuple[str, ...]  # the name, wrapped and elided
    line_height: float
    name_y: float  # top of the first name line
    header_h: float  # height of the stage-coloured header (a thin strip without kind text)
    small_size: int  # pixel size of the kind and technology text
    show_kind: bool
    show_tech: bool
    tech_y: float
    pin_size: float  # 0 unless pinned; the pin sits right of the name's last line
    pin_y: float
    text_x: float  # left edge of the name and technology lines
    text_width: float

    def name_screen_px(self, zoom: float) -> float:
        """The on-screen pixel size of the name at `zoom`."""
        return self.name_size * zoom


def name_size_for(zoom: float) -> int:
    """The name's size in scene units at `zoom`: NAME_BASE, or larger so that it is at least
    NAME_MIN_PX on screen (this is also the cache bucket of the layout)."""
    if zoom <= 0:
        return NAME_BASE
    return max(NAME_BASE, math.ceil(NAME_MIN_PX / zoom - 1e-9))


def small_size_for(zoom: float) -> int:
    if zoom <= 0:
        return SMALL_BASE
    return max(SMALL_BASE, math.ceil(SMALL_MIN_PX / zoom - 1e-9))


@lru_cache(maxsize=256)
def font(pixel_size: int, bold: bool, stretch: int = 0) -> QFont:
    """The card font of a size (names demi-bold, kind and technology regular). Names larger than
    at 1:1 are semi-condensed, so more of them fits on a line of the zoomed-out card."""
    f = QFont()
    f.setPixelSize(pixel_size)
    if stretch:
        f.setStretch(stretch)
    elif bold and pixel_size > NAME_BASE:
        f.setStretch(QFont.Stretch.SemiCondensed)
    f.setWeight(QFont.Weight.DemiBold if bold else QFont.Weight.Normal)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


@lru_cache(maxsize=256)
def _metrics(pixel_size: int, bold: bool, stretch: int = 0) -> QFontMetricsF:
    return MemoMetrics(font(pixel_size, bold, stretch))


class MemoMetrics(QFontMetricsF):
    """QFontMetricsF remembering the advances and elisions it measured (MEMO_TEXTS of each at
    most). Laying out a name at a new size measures the same strings several times (the whole
    name at each size tried for one line, then again while wrapping it at those sizes): each is
    shaped once. The answers are Qt's own, so every layout is what it was without the memo."""

    def __init__(self, font: QFont):
        super().__init__(font)
        self._advances: dict[str, float] = {}
        self._elided: dict[tuple[str, float], str] = {}

    def horizontalAdvance(self, text, *args):  # type: ignore[no-untyped-def]
        if args or not isinstance(text, str):
            return super().horizontalAdvance(text, *args)
        found = self._advances.get(text)
        if found is None:
            if len(self._advances) >= MEMO_TEXTS:
                self._advances.clear()
            found = self._advances[text] = super().horizontalAdvance(text)
        return found

    def elidedText(self, text, mode, width, flags=0):  # type: ignore[no-untyped-def]
        if mode != _ELIDE or flags or not isinstance(text, str):
            return super().elidedText(text, mode, width, flags)
        key = (text, width)
        found = self._elided.get(key)
        if found is None:
            if len(self._elided) >= MEMO_TEXTS:
                self._elided.clear()
            found = self._elided[key] = super().elidedText(text, mode, width)
        return found


def wrap(text: str, metrics: QFontMetricsF, width: float, max_lines: int) -> tuple[str, ...]:
    """Greedy word wrap into at most `max_lines` lines, measured by `metrics`; the last line is
    elided by Qt (app.domain.line_breaks: a word too long for a line breaks after a slash or
    hyphen of its own, else is cut where the line is full, with a hyphen in Latin, Greek and
    Cyrillic)."""

    def elide(rest: str, room: float) -> str:
        shown = metrics.elidedText(rest, _ELIDE, room)
        cut = shown.removesuffix(line_breaks.ELLIPSIS)
        return cut.rstrip() + line_breaks.ELLIPSIS if cut != shown else shown  # no "word …"

    return line_breaks.wrap(text, width, max_lines, metrics.horizontalAdvance, elide)


@level_cache(maxsize=LAYOUTS)
def card_text(name: str, zoom_bucket: int, small_bucket: int, pinned: bool = False) -> CardText:
    """The card's text layout for a name size bucket (see name_size_for / small_size_for);
    a pinned card keeps room for its pin glyph at the right of the name."""
    size = zoom_bucket
    metrics = _metrics(size, True)
    stretch = 0
    pad = ZOOMED_OUT_PAD if size > NAME_BASE else st.PAD
    pin = float(max(PIN_MIN, round(size * PIN_SCALE))) if pinned else 0.0
    width = st.CARD_W - 2 * pad - (pin + PIN_GAP if pinned else 0.0)
    wrapped: tuple[str, ...] | None = None  # the name wrapped at its final size, once known
    if size > NAME_BASE:  # grow a name that fits on one line, up to ONE_LINE_GROWTH
        advance = metrics.horizontalAdvance(name or "(unnamed)")
        fit = math.floor(size * width / advance) if advance > 0 else size
        grown = min(fit, math.floor(size * ONE_LINE_GROWTH))
        while grown > size and _metrics(grown, True).horizontalAdvance(name) > width:
            grown -= 1  # advances do not scale exactly with the size
        if grown > size:
            size = grown
            metrics = _metrics(size, True)
        elif fit < size:  # a little smaller (not under NAME_FLOOR_PX), then condensed: one line
            size, metrics, stretch = _one_line(name, size, width)
        wrapped = wrap(name, metrics, width, MAX_LINES)
        if not _wraps_whole(wrapped, name):  # two whole lines a little smaller rather than elided
            size, metrics, stretch = _two_lines(name, size, metrics, stretch, width)
            wrapped = None
    small = _metrics(small_bucket, False)
    line_h = min(metrics.height(), size * LINE_STEP)
    small_h = small.height()
    header_full = max(st.HEADER_H, small_h + 8)
    if wrapped is None or not name:
        wrapped = wrap(name or "(unnamed)", metrics, width, MAX_LINES)
    lines = wrapped  # the name at its final size, wrapped once
    room = st.CARD_H
    # kind header + name + technology, then without technology, then without kind text
    for show_kind, show_tech in ((True, True), (True, False), (False, False)):
        header = header_full if show_kind else STRIP_H
        need = header + GAP + len(lines) * line_h + (GAP + small_h if show_tech else 0.0) + GAP
        if need <= room:
            break
    else:
        lines = wrap(name or "(unnamed)", metrics, width, 1)
        header = STRIP_H
    body_top = header + GAP
    body_h = room - body_top - GAP
    used = len(lines) * line_h + (GAP + small_h if show_tech else 0.0)
    name_y = body_top + max(0.0, (body_h - used) / 2) if size > NAME_BASE else body_top + 3
    tech_y = name_y + len(lines) * line_h + GAP
    return CardText(
        name_size=size,
        name_stretch=stretch,
        lines=lines,
        line_height=line_h,
        name_y=name_y,
        header_h=header,
        small_size=small_bucket,
        show_kind=show_kind,
        show_tech=show_tech,
        tech_y=tech_y,
        pin_size=pin,
        pin_y=name_y + (len(lines) - 1) * line_h + (line_h - pin) / 2,
        text_x=pad,
        text_width=width,
    )


def _one_line(name: str, size: int, width: float) -> tuple[int, QFontMetricsF, int]:
    """The largest size down to NAME_FLOOR_PX on screen (semi-condensed, then condensed) that
    keeps `name` on one line; `size` unchanged when none does (the name then wraps)."""
    floor = max(NAME_BASE, math.ceil(size * NAME_FLOOR_PX / NAME_MIN_PX))
    for stretch in (0, CONDENSED):
        for candidate in range(size, floor - 1, -1):
            metrics = _metrics(candidate, True, stretch)
            if metrics.horizontalAdvance(name) <= width:
                return candidate, metrics, stretch
    return size, _metrics(size, True), 0


def _whole(name: str, metrics: QFontMetricsF, width: float) -> bool:
    """Whether `name` wraps onto MAX_LINES lines without eliding or cutting a word."""
    return _wraps_whole(wrap(name, metrics, width, MAX_LINES), name)


def _wraps_whole(lines: tuple[str, ...], name: str) -> bool:
    """Whether `lines` (`name` wrapped) hold the whole name, no word elided or cut."""
    return " ".join(lines) == " ".join(name.split())


def _two_lines(
    name: str, size: int, metrics: QFontMetricsF, stretch: int, width: float
) -> tuple[int, QFontMetricsF, int]:
    """The largest size down to NAME_FLOOR_PX on screen at which `name` wraps whole onto
    MAX_LINES lines, condensed when nothing else does; the given size when none does (the
    name is then elided)."""
    floor = max(NAME_BASE, math.ceil(size * NAME_FLOOR_PX / NAME_MIN_PX))
    for narrower in dict.fromkeys((stretch, CONDENSED)):
        for candidate in range(size - (narrower == stretch), floor - 1, -1):
            smaller = _metrics(candidate, True, narrower)
            if _whole(name, smaller, width):
                return candidate, smaller, narrower
    return size, metrics, stretch


def layout_for_zoom(name: str, zoom: float, pinned: bool = False) -> CardText | None:
    """The text a card named `name` shows at `zoom`; None when it is drawn as a block."""
    if st.is_block_zoom(zoom):
        return None
    return card_text(name, name_size_for(zoom), small_size_for(zoom), pinned)


def invalidate() -> None:
    """Forget every cached layout, font and metrics: the application font or theme changed."""
    card_text.invalidate()
    _small_line.cache_clear()
    _italic.cache_clear()
    font.cache_clear()
    _metrics.cache_clear()


def static_text(text: str) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    return static


@lru_cache(maxsize=SMALL_LINES)
def _small_line(text: str, size: int, width: float) -> QStaticText:
    """A kind or technology line elided to `width`: few distinct ones, shared by the cards
    showing them (a QStaticText is laid out once for every card that draws it)."""
    return static_text(_metrics(size, False).elidedText(text, _ELIDE, width))


@lru_cache(maxsize=256)
def _italic(pixel_size: int) -> QFont:
    """The kind and technology font of a size, italic (the hint shown when no technology is set)."""
    italic = QFont(font(pixel_size, False))
    italic.setItalic(True)
    return italic


@dataclass(frozen=True)
class CardStatics:
    """A card's text prepared for painting at one size bucket."""

    layout: CardText
    name_font: QFont
    small_font: QFont
    hint_font: QFont
    lines: list[QStaticText]
    kind: QStaticText | None
    kind_x: float
    kind_y: float
    icon: float  # icon size (0 without icon or kind text)
    tech: QStaticText | None

    @staticmethod
    def make(
        layout: CardText, kind_text: str, technology: str, has_icon: bool, has_badge: bool
    ) -> CardStatics:
        """Static texts, fonts and offsets of a card's text at one layout."""
        small = font(layout.small_size, False)
        metrics = _metrics(layout.small_size, False)
        icon = layout.small_size + 5.0 if has_icon else 0.0
        kind_x = st.PAD + icon + (6.0 if icon else 0.0)
        badge_room = st.BADGE_RADIUS if has_badge else 0.0
        header_width = st.CARD_W - kind_x - st.PAD - badge_room
        kind = _small_line(kind_text, layout.small_size, header_width) if layout.show_kind else None
        tech = None
        if layout.show_tech:
            tech = _small_line(technology or "no technology set", layout.small_size, layout.text_width)
        return CardStatics(
            layout=layout,
            name_font=font(layout.name_size, True, layout.name_stretch),
            small_font=small,
            hint_font=_italic(layout.small_size),
            lines=[static_text(line) for line in layout.lines],
            kind=kind,
            kind_x=kind_x,
            kind_y=(layout.header_h - metrics.height()) / 2,
            icon=icon,
            tech=tech,
        )


@dataclass(frozen=True)
class CardPaint:
    """What a card's paint at one zoom works out before drawing, kept for its next paint at that
    zoom (a card is painted again at the same zoom on every hover, selection or scroll into view)."""

    lod: float
    statics: CardStatics
    chrome_key: tuple[object, ...]
    lines: tuple[tuple[QPointF, QStaticText], ...]  # the name's lines and where they go
    tech_at: QPointF

    @staticmethod
    def make(lod: float, statics: CardStatics, theme_serial: int, look: tuple[object, ...]) -> CardPaint:
        layout = statics.layout
        kind = statics.kind.text() if statics.kind is not None else None  # as laid out at this size
        sizes = (layout.header_h, layout.small_size, statics.icon)
        lines = tuple(
            (QPointF(layout.text_x, layout.name_y + n * layout.line_height), line)
            for n, line in enumerate(statics.lines)
        )
        tech_at = QPointF(layout.text_x, layout.tech_y)
        return CardPaint(lod, statics, (theme_serial, look, kind, sizes), lines, tech_at)
