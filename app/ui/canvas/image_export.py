"""The canvas as an image: PNG (2x, for crispness) or SVG (vector), as it looks on screen.

Selection outlines, hover handles and flashes are left out; item caches are switched off
while rendering so the SVG gets vector shapes and text rather than cached bitmaps.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

from app.ui.canvas.scene import DesignScene

EXPORT_MARGIN = 40.0
PNG_SCALE = 2.0
FORMATS = ("png", "svg")


@contextmanager
def export_mode(scene: DesignScene) -> Iterator[None]:
    """Items paint themselves in full, uncached and without selection, while exporting."""
    scene.builder.finish_now()  # a large design still being built is drawn in full
    overview = scene.overview_active
    scene.set_overview(False)
    items = scene.items()
    modes = [(item, item.cacheMode()) for item in items]
    scene.exporting = True
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        scene.exporting = False
        for item, mode in modes:
            item.setCacheMode(mode)
        scene.set_overview(overview)


def export_rect(scene: DesignScene, margin: float = EXPORT_MARGIN) -> QRectF:
    """What an export shows: every item (labels and badges included) plus a margin."""
    scene.builder.finish_now()
    scene.flush_link_updates()
    rect = scene.itemsBoundingRect()
    if rect.isEmpty():
        rect = QRectF(0, 0, 200, 120)
    return rect.adjusted(-margin, -margin, margin, margin)


def render_to_image(
    scene: DesignScene,
    path: str | Path,
    fmt: str = "png",
    background: QColor | None = None,
    scale: float = PNG_SCALE,
) -> QRectF:
    """Write the canvas to `path` as PNG or SVG; returns the scene rectangle exported.

    Raises ValueError for an unknown format and OSError when the file cannot be written.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; expected png or svg")
    path = Path(path)
    source = export_rect(scene)
    color = QColor(background) if background is not None else scene.canvas_style.theme.background
    with export_mode(scene):
        if fmt == "png":
            _render_png(scene, path, source, color, scale)
        else:
            _render_svg(scene, path, source, color)
    return source


def _hints(painter: QPainter) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)


def _render_png(scene: DesignScene, path: Path, source: QRectF, color: QColor, scale: float) -> None:
    width = max(1, round(source.width() * scale))
    height = max(1, round(source.height() * scale))
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(color)
    painter = QPainter(image)
    _hints(painter)
    scene.render(painter, QRectF(0, 0, width, height), source)
    painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def _render_svg(scene: DesignScene, path: Path, source: QRectF, color: QColor) -> None:
    width, height = round(source.width()), round(source.height())
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setResolution(96)
    generator.setTitle(scene.document.design.meta.title or "MLSD Studio design")
    generator.setDescription("Exported from MLSD Studio")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"could not write {path}")
    _hints(painter)
    painter.fillRect(QRectF(0, 0, width, height), color)
    scene.render(painter, QRectF(0, 0, width, height), source)
    painter.end()
    if not path.exists():
        raise OSError(f"could not write {path}")
