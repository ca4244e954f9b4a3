"""The canvas background: a dot every few scene units, drawn as one textured fill.

The dots of one zoom level all look alike, so one grid cell (a dot on the background colour)
is rasterised once per zoom level and colour pair, in device pixels, and the background is
filled with it as a tiled brush: a frame after a zoom change costs a lookup and one fill,
not thousands of points built and drawn from Python.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPixmap, QTransform

from app.ui.canvas import style as st

GRID_MIN_SPACING = 9.0  # device pixels between dots below which the grid thins out
GRID_MIN_ZOOM = 0.2  # no grid at all below this zoom
DOT_PX = 1.6  # the dot's diameter in device pixels
_SMOOTH = QPainter.RenderHint.SmoothPixmapTransform
TILES = 64  # cells kept: one per zoom level (whole device pixels) and theme, at most ~80 px square


def grid_step(zoom: float) -> float:
    """Scene units between dots at `zoom`: GRID, times 5 until the dots are far enough apart."""
    step = float(st.GRID)
    while step * zoom < GRID_MIN_SPACING:
        step *= 5
    return step


@lru_cache(maxsize=TILES)
def _tile(size: int, ratio: float, background: int, dot: int) -> QPixmap:
    tile = QPixmap(size, size)
    tile.fill(QColor.fromRgba(background))
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor.fromRgba(dot), DOT_PX * ratio)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    centre = dot_centre(size)
    painter.drawPoint(QPointF(centre, centre))
    painter.end()
    return tile


def dot_centre(size: int) -> float:
    """Where the dot sits in a tile of `size` pixels: on a pixel's centre, so it stays crisp."""
    return size // 2 + 0.5


def grid_tile(device_px: float, ratio: float, background: QColor, dot: QColor) -> QPixmap:
    """One grid cell `device_px` device pixels wide (rounded to whole pixels) with a dot at its
    centre, cached per size, pixel ratio and colours."""
    return _tile(max(1, round(device_px)), ratio, background.rgba(), dot.rgba())


def draw_grid(painter: QPainter, rect: QRectF, zoom: float, background: QColor, dot: QColor) -> None:
    """Fill `rect` (scene coordinates, painter at `zoom`) with the background and its dots,
    one dot on every multiple of grid_step(zoom)."""
    if zoom < GRID_MIN_ZOOM:
        painter.fillRect(rect, background)
        return
    step = grid_step(zoom)
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    tile = grid_tile(step * zoom * ratio, ratio, background, dot)
    scale = step / tile.width()  # a texel in scene units: the tile spans one step
    brush = QBrush(tile)
    offset = -dot_centre(tile.width()) * scale  # the dot lands on the grid point
    brush.setTransform(QTransform(scale, 0.0, 0.0, scale, offset, offset))
    # the tile is sampled as the view's cached background always did (its painter has no render
    # hints): nearest texels, at half the cost of smooth sampling when the view paints it directly
    smooth = painter.testRenderHint(_SMOOTH)
    if smooth:
        painter.setRenderHint(_SMOOTH, False)
    painter.fillRect(rect, brush)
    if smooth:
        painter.setRenderHint(_SMOOTH, True)
