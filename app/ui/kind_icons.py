"""The kinds' SVG icons, drawn only at the sizes a view paints, with light ink on the dark theme."""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleOption

from app.resources import resource_path
from app.ui.theme import is_dark

_DARK_INK = re.compile(rb'(stroke|fill)="#([0-9A-Fa-f]{6})"')


def _lighten(match: re.Match[bytes]) -> bytes:
    color = QColor("#" + match.group(2).decode())
    if color.lightness() < 110:
        return match.group(1) + b'="#C9D1DB"'
    return match.group(0)


def kind_icon(icon_file: str, dark: bool | None = None) -> QIcon:
    """The kind's SVG icon from resources/icons, with light ink on the dark theme."""
    return _kind_icon(icon_file, is_dark() if dark is None else dark)


@cache
def _kind_icon(icon_file: str, dark: bool) -> QIcon:
    path = resource_path("icons", icon_file) if icon_file else None
    if path is None or not path.is_file():
        return QIcon()
    data = path.read_bytes()
    if dark:
        data = _DARK_INK.sub(_lighten, data)
    return QIcon(_SvgIconEngine(data))


_CLONES: list[QIconEngine] = []  # PySide gives C++ no ownership of clone()'s result: kept here


class _SvgIconEngine(QIconEngine):
    """An SVG icon rendered only at the sizes asked for, when first asked (then cached).

    The palette lists 35 kinds: rendering each at every size a view might use would cost
    far more than the one size the tree paints, and all of it before the window's first frame.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data
        self._renderer: QSvgRenderer | None = None
        self._pixmaps: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def _render(self, size: QSize) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        if self._renderer is None:
            self._renderer = QSvgRenderer(QByteArray(self._data))
        if self._renderer.isValid():
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._renderer.render(painter)
            painter.end()
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode)
        cached = self._pixmaps.get(key)
        if cached is None:
            cached = self._render(size)
            if mode in (QIcon.Mode.Disabled, QIcon.Mode.Selected):  # as Qt's own engines do
                cached = QApplication.style().generatedIconPixmap(mode, cached, QStyleOption())
            self._pixmaps[key] = cached
        return QPixmap(cached)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        scale = max(1.0, scale)
        pixmap = self.pixmap(QSize(round(size.width() * scale), round(size.height() * scale)), mode, state)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return QSize(size)

    def isNull(self) -> bool:
        return False

    def clone(self) -> QIconEngine:
        twin = _SvgIconEngine(self._data)
        _CLONES.append(twin)
        return twin
