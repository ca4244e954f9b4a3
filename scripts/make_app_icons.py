"""Render resources/icons/app.svg to the PNG sizes desktops and PyInstaller want."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    app = QGuiApplication(sys.argv)  # noqa: F841
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "app.svg"))
    out_dir = ROOT / "resources" / "icons" / "app"
    out_dir.mkdir(exist_ok=True)
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(out_dir / f"mlsd-studio-{size}.png"))
    # A multi-size .ico for Windows bundles, written by Pillow when it is available.
    try:
        from PIL import Image
    except ImportError:
        return
    big = Image.open(out_dir / "mlsd-studio-256.png")
    big.save(out_dir / "mlsd-studio.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])


if __name__ == "__main__":
    main()
