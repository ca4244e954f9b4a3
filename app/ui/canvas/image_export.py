"""The canvas as an image: PNG (2x, for crispness) or SVG (vector), as it looks on screen.

Selection outlines, hover handles and flashes are left out; item caches are switched off
while rendering so the SVG gets vector shapes and text rather than cached bitmaps.

Painting reads the live scene, so it happens on the UI thread (paint_image); turning the
picture into file bytes (image_bytes: PNG compression is most of the time on a large design)
touches no scene and may run on a worker thread. PNG is drawn at PNG_SCALE, less when that
would make the long side more than MAX_PNG_SIDE pixels. Files are written atomically.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

from app.persistence.atomic import atomic_write_bytes
from app.ui.canvas.scene import DesignScene

EXPORT_MARGIN = 40.0
PNG_SCALE = 2.0
MAX_PNG_SIDE = 16384  # pixels: beyond this the image takes gigabytes and minutes to compress
FORMATS = ("png", "svg")


@contextmanager
def export_mode(scene: DesignScene) -> Iterator[None]:
    """Items paint themselves in full, uncached and without selection, while exporting."""
    scene.builder.finish_now()  # a large design still being built is drawn in full
    if scene.text_refiner is not None:
        scene.text_refiner.batch.release()  # cards a view draws as blocks paint themselves (block_batch)
    overview = scene.overview_active
    scene.set_overview(False)
    items = scene.items()
    modes = [(item, item.cacheMode()) for item in items]
    scene.exporting = True
    for item in items:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        with scene.link_batches.suspended():  # the view draws them: here every link paints itself
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

    Raises ValueError for an unknown format and OSError (DesignSaveError) when the file
    cannot be written.
    """
    picture, source = paint_image(scene, fmt, background, scale)
    atomic_write_bytes(path, image_bytes(picture))
    return source


def paint_image(
    scene: DesignScene, fmt: str = "png", background: QColor | None = None, scale: float = PNG_SCALE
) -> tuple[QImage | QByteArray, QRectF]:
    """The canvas painted as a PNG's image or as SVG bytes (UI thread: it reads the scene),
    and the scene rectangle painted. Raises ValueError for an unknown format."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; expected png or svg")
    source = export_rect(scene)
    color = QColor(background) if background is not None else scene.canvas_style.theme.background
    with export_mode(scene):
        if fmt == "png":
            picture: QImage | QByteArray = _render_png(scene, source, color, scale)
        else:
            picture = _render_svg(scene, source, color)
    return picture, source


def image_bytes(picture: QImage | QByteArray) -> bytes:
    """A painted picture as file bytes: PNG-compressed for an image (any thread: the image is
    not shared with the scene)."""
    if isinstance(picture, QByteArray):
        return bytes(picture.data())
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not picture.save(buffer, "PNG"):  # type: ignore[call-overload]  # the stubs want bytes, Qt a str
        raise OSError("the image could not be encoded as PNG")
    buffer.close()
    return bytes(data.data())


def _hints(painter: QPainter) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)


def _render_png(scene: DesignScene, source: QRectF, color: QColor, scale: float) -> QImage:
    scale = min(scale, MAX_PNG_SIDE / max(source.width(), source.height(), 1.0))
    width = max(1, round(source.width() * scale))
    height = max(1, round(source.height() * scale))
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(color)
    painter = QPainter(image)
    _hints(painter)
    scene.render(painter, QRectF(0, 0, width, height), source)
    painter.end()
    return image


def _render_svg(scene: DesignScene, source: QRectF, color: QColor) -> QByteArray:
    width, height = round(source.width()), round(source.height())
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setResolution(96)
    generator.setTitle(scene.document.design.meta.title or "MLSD Studio design")
    generator.setDescription("Exported from MLSD Studio")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError("the canvas could not be painted as SVG")
    _hints(painter)
    painter.fillRect(QRectF(0, 0, width, height), color)
    scene.render(painter, QRectF(0, 0, width, height), source)
    painter.end()
    buffer.close()
    return data
