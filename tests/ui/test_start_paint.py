"""What the window leaves until after its first frame: kind icons rendered only at the sizes
painted, and the recording of an opened file (recent files, last folder) written to the
settings file after the frame, yet always written (on close at the latest); a --screenshot run
records nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.domain.catalog import Catalog
from app.persistence.recovery import DATA_DIR_ENV
from app.resources import resource_path
from app.ui import kind_icons as icons_module
from app.ui.actions import WindowActions
from app.ui.after_paint import after_next_paint
from app.ui.main import run_app
from app.ui.palette import Palette, kind_icon
from app.ui.settings import Settings
from tests.ui.windows import WindowFactory


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, int]]]:
    """Pixel sizes of every kind icon rendered from its SVG (fresh icons, none cached)."""
    sizes: list[tuple[int, int]] = []

    class CountingRenderer(QSvgRenderer):
        def render(self, painter: QPainter, *args: object) -> None:
            device = painter.device()
            sizes.append((device.width(), device.height()))
            super().render(painter, *args)

    monkeypatch.setattr(icons_module, "QSvgRenderer", CountingRenderer)
    icons_module._kind_icon.cache_clear()
    yield sizes
    icons_module._kind_icon.cache_clear()


def test_the_palette_renders_its_icons_only_at_the_size_it_paints(
    qtbot: QtBot, catalog: Catalog, renders: list[tuple[int, int]]
) -> None:
    palette = Palette(catalog)
    qtbot.addWidget(palette)
    assert renders == []  # building the palette renders nothing
    palette.resize(280, 1600)
    palette.show()
    qtbot.waitExposed(palette)
    qtbot.waitUntil(lambda: len(renders) >= len(catalog.kinds))
    side = round(palette.tree.iconSize().width() * palette.tree.devicePixelRatioF())
    assert set(renders) == {(side, side)}
    assert len(renders) == len(catalog.kinds)  # each kind once: later frames use the cached pixmap
    palette.tree.viewport().repaint()
    assert len(renders) == len(catalog.kinds)


def test_a_kind_icon_renders_any_size_asked_for_with_its_content(renders: list[tuple[int, int]]) -> None:
    icon = kind_icon("model.svg", dark=False)
    assert resource_path("icons", "model.svg").is_file() and not icon.isNull()
    pixmap = icon.pixmap(QSize(40, 40), 2.0)
    assert pixmap.size() == QSize(80, 80) and pixmap.devicePixelRatio() == 2.0
    assert renders == [(80, 80)]
    image = pixmap.toImage()
    inked = sum(image.pixelColor(x, y).alpha() > 0 for x in range(80) for y in range(80))
    assert inked > 100  # the SVG's strokes, not an empty square
    assert icon.pixmap(QSize(40, 40), 2.0).toImage() == image and renders == [(80, 80)]


def _settings_file_text() -> str:
    path = Path(os.environ[DATA_DIR_ENV]) / "settings.ini"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def test_an_opened_file_is_written_to_recent_files_after_the_frame(
    windows: WindowFactory, design_file: Path
) -> None:
    window = windows()
    window.files.open(design_file)
    assert str(design_file.resolve()) not in _settings_file_text()  # nothing written before the frame
    windows.qtbot.waitUntil(lambda: str(design_file.resolve()) in _settings_file_text())
    assert Settings().recent_files() == [str(design_file.resolve())]
    assert Settings().last_folder() == str(design_file.parent)


def test_an_opened_file_is_recorded_even_when_the_window_closes_before_painting(
    windows: WindowFactory, design_file: Path
) -> None:
    window = windows()
    window.files.open(design_file)  # no event loop turn between opening and closing
    window.close()
    text = _settings_file_text()
    assert str(design_file.resolve()) in text and "folder=" in text
    assert Settings().recent_files() == [str(design_file.resolve())]


def test_recent_files_read_in_the_process_see_an_open_not_yet_written(
    windows: WindowFactory, design_file: Path
) -> None:
    window = windows()
    window.files.open(design_file)
    actions: WindowActions = window.actions  # type: ignore[assignment]  # not QWidget.actions
    actions.rebuild_recent_menu()
    assert [a.data() for a in actions.recent_menu.actions() if a.data()] == [str(design_file.resolve())]
    window.settings.clear_recent_files()  # a pending open is not re-added after Clear
    windows.qtbot.wait(50)
    assert Settings().recent_files() == []


def test_a_screenshot_run_records_no_recent_file(qtbot: QtBot, design_file: Path, tmp_path: Path) -> None:
    assert run_app([str(design_file), "--screenshot", str(tmp_path / "shot.png")]) == 0
    assert (tmp_path / "shot.png").is_file()
    assert Settings().recent_files() == []
    assert str(design_file.resolve()) not in _settings_file_text()


def test_after_next_paint_runs_once_after_the_paint_or_after_the_fallback(qtbot: QtBot) -> None:
    shown = QWidget()
    qtbot.addWidget(shown)
    calls: list[str] = []
    after_next_paint(shown, lambda: calls.append("painted"), fallback_ms=60_000)
    assert calls == []
    shown.show()
    qtbot.waitUntil(lambda: calls == ["painted"])
    shown.repaint()
    qtbot.wait(20)
    assert calls == ["painted"]  # once
    hidden = QWidget()
    qtbot.addWidget(hidden)
    after_next_paint(hidden, lambda: calls.append("fallback"), fallback_ms=30)
    qtbot.waitUntil(lambda: calls == ["painted", "fallback"])


@pytest.mark.parametrize("mode", [QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Disabled])
def test_a_lazy_kind_icon_paints_what_an_eagerly_rendered_one_did(qtbot: QtBot, mode: QIcon.Mode) -> None:
    renderer = QSvgRenderer(QByteArray(resource_path("icons", "model.svg").read_bytes()))
    eager = QIcon()
    pixmap = QPixmap(40, 40)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    pixmap.setDevicePixelRatio(2.0)
    eager.addPixmap(pixmap)
    expected = eager.pixmap(QSize(20, 20), 2.0, mode).toImage()
    assert kind_icon("model.svg", dark=False).pixmap(QSize(20, 20), 2.0, mode).toImage() == expected
