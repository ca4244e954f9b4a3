"""Sizes, colours, fonts and cached icons of the canvas.

Colours come from the application palette (light or dark); the stage colours come from the
catalog. Everything a paint() call needs is prepared here once, so painting allocates nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.layout import CARD_HEIGHT, CARD_WIDTH
from app.resources import resource_path
from app.ui.theme import SEVERITY_COLORS

CARD_W = CARD_WIDTH  # the layout engine places cards of this size
CARD_H = CARD_HEIGHT
CARD_RECT = QRectF(0.0, 0.0, CARD_W, CARD_H)
HEADER_H = 26.0
RADIUS = 7.0
PAD = 10.0
ICON_SIZE = 16.0
HANDLE_RADIUS = 5.0
HANDLE_HIT = 9.0
BADGE_RADIUS = 9.0
ITEM_MARGIN = 10.0  # room around the card for shadow, selection outline, handles and badge
GRID = 20
BLOCK_MIN_PX = 60.0  # a card narrower than this on screen is drawn as a plain coloured block
MIN_ZOOM, MAX_ZOOM = 0.1, 4.0  # the view's zoom range
FIT_MAX_ZOOM = 1.5  # Fit never magnifies a small design beyond this
ZOOM_STEP = 1.25  # one Zoom In/Out step
LOD_THRESHOLD = BLOCK_MIN_PX / CARD_W  # the zoom below which cards are blocks (see card_text.py)
LINK_LOD_ARROW = 0.2


def is_block_zoom(zoom: float) -> bool:
    """Whether cards are blocks at `zoom` (below LOD_THRESHOLD). A painter's level of detail is
    Qt's estimate from its transform: 0.29999999999999893 for a view at 0.3, where the view drew
    no overview (no names above the blocks) and the cards drew blocks (no names at all)."""
    return zoom < LOD_THRESHOLD - 1e-9

SEARCH_MATCH, SEARCH_MATCH_DARK = "#D98E04", "#F5B83D"  # amber: the outline of a searched-for card
LINK_FAINT_ZOOM = 0.85  # below this (names grown to stay readable) links recede behind the cards
LINK_FAINT_MIX = 0.78  # how far faint links are blended toward the background
LINK_LABEL_LOD = 0.6  # link labels below this zoom would be under 6 px tall
UNKNOWN_STAGE_COLOR = "#A0A4AB"

SEVERITY_TEXT = {"error": "#FFFFFF", "warning": "#1F1600", "info": "#FFFFFF"}

# What travels on a link, grouped into a few families with their own subtle colour.
FLOW_FAMILY = {
    "data": "data",
    "label": "data",
    "feature": "data",
    "artifact": "model",
    "eval": "model",
    "prediction": "serve",
    "action": "serve",
    "watch": "watch",
    "proxy": "watch",
    "govern": "govern",
}
_FAMILY_LIGHT = {
    "data": "#3E6489",
    "model": "#6849A8",
    "serve": "#B5532F",
    "watch": "#A13D70",
    "govern": "#5B6270",
}
_FAMILY_DARK = {
    "data": "#86A9CC",
    "model": "#AE98E6",
    "serve": "#EE9877",
    "watch": "#E08AB6",
    "govern": "#A3AAB6",
}
HEADER_TEXT = "#1F2430"  # the stage colours are light pastels in both themes


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """a blended toward b by t (0..1)."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def _font(pixel_size: int, weight: QFont.Weight = QFont.Weight.Normal, italic: bool = False) -> QFont:
    # Pixel sizes keep text the same size on screen, in PNG and in SVG (72 dpi) output.
    font = QFont()
    font.setPixelSize(pixel_size)
    font.setWeight(weight)
    font.setItalic(italic)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


@dataclass
class Theme:
    """Everything painting needs, prepared from one palette."""

    dark: bool
    background: QColor
    grid: QColor
    text: QColor
    muted: QColor
    card_brush: QBrush
    border_pen: QPen
    selection_pen: QPen
    selection_color: QColor
    flash_pen: QPen
    target_pen: QPen
    match_pen: QPen  # a card a search (Edit > Find) matched
    shadow_brushes: tuple[QBrush, QBrush]
    header_pen: QPen
    name_pen: QPen
    muted_pen: QPen
    handle_pen: QPen
    handle_brush: QBrush
    label_brush: QBrush
    rubber_pen: QPen
    pin_brush: QBrush
    name_font: QFont = field(default_factory=lambda: _font(13, QFont.Weight.DemiBold))
    hint_font: QFont = field(default_factory=lambda: _font(11, italic=True))
    link_font: QFont = field(default_factory=lambda: _font(10))
    badge_font: QFont = field(default_factory=lambda: _font(10, QFont.Weight.Bold))
    flow_colors: dict[str, QColor] = field(default_factory=dict)
    link_pens: dict[tuple[str, bool, bool, bool], QPen] = field(default_factory=dict)
    link_brushes: dict[str, QBrush] = field(default_factory=dict)
    faint_link_pens: dict[tuple[str, bool], QPen] = field(default_factory=dict)
    faint_link_brushes: dict[str, QBrush] = field(default_factory=dict)
    link_text_pens: dict[str, QPen] = field(default_factory=dict)
    stage_brushes: dict[str, QBrush] = field(default_factory=dict)
    severity_brushes: dict[str, QBrush] = field(default_factory=dict)
    severity_text_pens: dict[str, QPen] = field(default_factory=dict)

    def stage_brush(self, color: str) -> QBrush:
        brush = self.stage_brushes.get(color)
        if brush is None:
            brush = self.stage_brushes[color] = QBrush(QColor(color))
        return brush

    def link_pen(self, family: str, feedback: bool, selected: bool, export: bool = False) -> QPen:
        """On screen links are drawn with 1 px cosmetic pens (the raster engine's fast path,
        crisp at every zoom); exports get scalable pens of the same look at 1:1."""
        return self.link_pens[(family, feedback, selected, export)]

    def faint_link_pen(self, family: str, feedback: bool) -> QPen:
        """The on-screen pen of an unselected link when zoomed out: paler, so the cards'
        names stand out (and read well) over the links crossing between them."""
        return self.faint_link_pens[(family, feedback)]


def theme_from_palette(palette: QPalette) -> Theme:
    """Build the canvas theme for a light or dark application palette."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    dark = window.lightness() < 128
    highlight = palette.color(QPalette.ColorRole.Highlight)
    if dark:
        background = _mix(window, QColor("#000000"), 0.25)
        card = _mix(window, QColor("#FFFFFF"), 0.06)
        border = _mix(card, QColor("#FFFFFF"), 0.16)
        grid = _mix(background, text, 0.22)
        muted = _mix(text, background, 0.38)
        shadow = (QColor(0, 0, 0, 70), QColor(0, 0, 0, 40))
        label_bg = QColor(background)
        label_bg.setAlpha(225)
        families = _FAMILY_DARK
    else:
        background = _mix(window, QColor("#FFFFFF"), 0.55)
        card = QColor("#FFFFFF")
        border = _mix(window, QColor("#000000"), 0.18)
        grid = _mix(background, text, 0.20)
        muted = _mix(text, background, 0.45)
        shadow = (QColor(20, 30, 50, 22), QColor(20, 30, 50, 14))
        label_bg = QColor(background)
        label_bg.setAlpha(230)
        families = _FAMILY_LIGHT

    def pen(color: QColor | str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
        p = QPen(QColor(color), width, style)
        p.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setCapStyle(Qt.PenCapStyle.RoundCap)
        return p

    selection = QColor(highlight)
    theme = Theme(
        dark=dark,
        background=background,
        grid=grid,
        text=QColor(text),
        muted=muted,
        card_brush=QBrush(card),
        border_pen=pen(border, 1.0),
        selection_pen=pen(selection, 2.0),
        selection_color=selection,
        flash_pen=pen(SEVERITY_COLORS["error"], 2.5),
        target_pen=pen(selection, 2.5),
        match_pen=pen(SEARCH_MATCH_DARK if dark else SEARCH_MATCH, 2.0, Qt.PenStyle.DashLine),
        shadow_brushes=(QBrush(shadow[0]), QBrush(shadow[1])),
        header_pen=pen(HEADER_TEXT),
        name_pen=pen(text),
        muted_pen=pen(muted),
        handle_pen=pen(selection, 1.5),
        handle_brush=QBrush(card),
        label_brush=QBrush(label_bg),
        rubber_pen=pen(selection, 1.6, Qt.PenStyle.DashLine),
        pin_brush=QBrush(_mix(text, card, 0.25)),
    )
    for family, color in families.items():
        c = QColor(color)
        theme.flow_colors[family] = c
        theme.link_brushes[family] = QBrush(c)
        theme.link_text_pens[family] = pen(_mix(c, text, 0.35))
        faint = _mix(c, background, LINK_FAINT_MIX)
        theme.faint_link_brushes[family] = QBrush(_mix(c, background, LINK_FAINT_MIX / 2))
        for feedback in (False, True):
            style = Qt.PenStyle.DashLine if feedback else Qt.PenStyle.SolidLine
            faint_pen = pen(faint, 1.0, style)
            faint_pen.setCosmetic(True)
            theme.faint_link_pens[(family, feedback)] = faint_pen
            for selected in (False, True):
                color = selection if selected else c
                screen = pen(color, 2.0 if selected else 1.0, style)
                screen.setCosmetic(True)
                theme.link_pens[(family, feedback, selected, False)] = screen
                theme.link_pens[(family, feedback, selected, True)] = pen(
                    color, 2.0 if selected else 1.2, style
                )
    for severity, color in SEVERITY_COLORS.items():
        if severity not in SEVERITY_TEXT:
            continue
        theme.severity_brushes[severity] = QBrush(QColor(color))
        theme.severity_text_pens[severity] = pen(SEVERITY_TEXT[severity])
    return theme


class CanvasStyle:
    """The current theme, shared by a scene and its items so a palette switch reaches all."""

    def __init__(self, theme: Theme):
        self.theme = theme


# ---- shapes shared by every card --------------------------------------------------------------


def _header_path(height: float = HEADER_H) -> QPainterPath:
    path = QPainterPath()
    path.moveTo(0.0, height)
    path.lineTo(0.0, RADIUS)
    path.arcTo(QRectF(0.0, 0.0, 2 * RADIUS, 2 * RADIUS), 180.0, -90.0)
    path.lineTo(CARD_W - RADIUS, 0.0)
    path.arcTo(QRectF(CARD_W - 2 * RADIUS, 0.0, 2 * RADIUS, 2 * RADIUS), 90.0, -90.0)
    path.lineTo(CARD_W, height)
    path.closeSubpath()
    return path


HANDLE_POINTS = (
    (CARD_W / 2, 0.0),
    (CARD_W, CARD_H / 2),
    (CARD_W / 2, CARD_H),
    (0.0, CARD_H / 2),
)


def _card_shape() -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(CARD_RECT, RADIUS, RADIUS)
    for x, y in HANDLE_POINTS:
        path.addEllipse(QRectF(x - HANDLE_HIT, y - HANDLE_HIT, 2 * HANDLE_HIT, 2 * HANDLE_HIT))
    path.setFillRule(Qt.FillRule.WindingFill)
    return path


HEADER_PATH = _header_path()
_header_paths: dict[float, QPainterPath] = {HEADER_H: HEADER_PATH}


def header_path(height: float) -> QPainterPath:
    """The stage-coloured top of a card, `height` tall (cached per height)."""
    path = _header_paths.get(height)
    if path is None:
        path = _header_paths[height] = _header_path(height)
    return path


def pin_path(x: float, y: float, size: float) -> QPainterPath:
    """A push pin in the square (x, y, size, size): round head, short needle."""
    path = QPainterPath()
    r = size * 0.32
    cx, cy = x + size / 2, y + r
    path.addEllipse(QRectF(cx - r, cy - r, 2 * r, 2 * r))
    path.addRect(QRectF(cx - size * 0.34, cy + r * 0.6, size * 0.68, size * 0.12))
    needle = QPainterPath()
    needle.moveTo(cx - size * 0.06, cy + r)
    needle.lineTo(cx + size * 0.06, cy + r)
    needle.lineTo(cx, y + size)
    needle.closeSubpath()
    path.addPath(needle)
    path.setFillRule(Qt.FillRule.WindingFill)
    return path
CARD_SHAPE = _card_shape()
CARD_BOUNDS = CARD_RECT.adjusted(-ITEM_MARGIN, -ITEM_MARGIN, ITEM_MARGIN, ITEM_MARGIN)


# ---- icons ---------------------------------------------------------------------------------------

_renderers: dict[str, QSvgRenderer | None] = {}
_pixmaps: dict[tuple[str, int], QPixmap | None] = {}


def icon_renderer(icon_file: str) -> QSvgRenderer | None:
    """The SVG renderer of a catalog icon (cached; None when the file is missing or bad)."""
    if icon_file not in _renderers:
        renderer = QSvgRenderer(str(resource_path("icons", icon_file)))
        _renderers[icon_file] = renderer if renderer.isValid() else None
    return _renderers[icon_file]


def icon_pixmap(icon_file: str, scale: float) -> QPixmap | None:
    """The icon rasterised for a device scale, rounded up to a step of 1x, 2x, 3x or 4x."""
    step = max(1, min(4, math.ceil(scale - 0.05)))
    key = (icon_file, step)
    if key not in _pixmaps:
        renderer = icon_renderer(icon_file)
        pixmap = None
        if renderer is not None:
            size = int(ICON_SIZE * step)
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            renderer.render(painter, QRectF(0, 0, size, size))
            painter.end()
        _pixmaps[key] = pixmap
    return _pixmaps[key]


def snap_value(value: float, grid: float = GRID) -> float:
    return float(round(value / grid) * grid)
