"""What the window leaves out of its first frame: the panels of the tabs behind Findings
(Decisions, Estimates) are built when first shown or asked for, compare mode's modules are
imported when it is first used, the CJK font is added right after the frame unless the design
has CJK text; a --screenshot run paints the window once, for the picture."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.fonts import BY_SCRIPT
from app.persistence import load_design, save_design
from app.resources import resource_path
from app.ui import gc_pause
from app.ui.canvas.view import WARM_DELAY_MS
from app.ui.decisions_panel import DecisionsPanel
from app.ui.estimates_panel import EstimatesPanel
from app.ui.main import check_after_first_paint, run_app, take_screenshot
from app.ui.main_window import MainWindow, open_windows
from app.ui.shipped_fonts import PEEK_BYTES, scripts_not_needed
from tests.factories import DesignBuilder
from tests.ui.windows import WindowFactory

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = resource_path("examples", "example.mlsd")
DEFERRED_MODULES = ("app.ui.estimates_panel", "app.ui.decisions_panel", "app.diff", "app.ui.compare.overlay")


def _restored_window(windows: WindowFactory) -> MainWindow:
    """A second window, which restores the layout the first one saved (not the default one)."""
    first = windows()
    first.settings.save_window(first)
    window = windows()
    assert not window._needs_balance
    return window


def test_a_restored_window_builds_the_tabs_behind_findings_when_they_are_first_shown(
    windows: WindowFactory, design_file: Path
) -> None:
    window = _restored_window(windows)
    window.files.open(design_file)
    assert not window._estimates.is_built() and not window._decisions.is_built()
    assert window.estimates_dock.widget().objectName() == "estimates_dock_placeholder"
    ids = [c.id for c in window.document.design.components]
    window.canvas.select_components([ids[0]])  # made before the panel exists

    window.estimates_dock.raise_()
    QApplication.processEvents()
    assert window._estimates.is_built()
    panel = window.estimates_dock.widget()
    assert isinstance(panel, EstimatesPanel) and panel is window.estimates
    assert panel.selected == ids[0]  # it follows the selection made before it was built
    assert panel.estimate is not None and panel.totals.topLevelItemCount() > 0
    assert panel.totals.accessibleName() == "Estimate totals"
    window.canvas.select_components([ids[1]])
    assert panel.selected == ids[1]
    assert not window._decisions.is_built()  # still behind its tab


def test_asking_for_a_deferred_panel_builds_it_once_in_its_dock(windows: WindowFactory) -> None:
    window = _restored_window(windows)
    assert not window._decisions.is_built()
    panel = window.decisions
    assert isinstance(panel, DecisionsPanel)
    assert window.decisions is panel and window.decisions_dock.widget() is panel
    assert panel.tree.accessibleName() == "Decisions"
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert window.findChild(QObject, "decisions_dock_placeholder") is None  # deleted


def test_the_default_layout_keeps_the_right_column_as_wide_as_every_panel_needs(
    windows: WindowFactory,
) -> None:
    window = windows(restore_layout=False)
    assert window._estimates.is_built() and window._decisions.is_built()
    QApplication.processEvents()  # the docks take their sizes at the layout pass after the show
    for panel in (window.estimates, window.decisions):
        assert window.findings_dock.width() >= panel.minimumSizeHint().width()


# Prints, at the first paint of the window, the deferred modules imported and whether the CJK
# font is registered, then whether it is 200 ms later, and quits.
PROBE = f"""
import gc
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
import app.ui.startup_probe as probe
collected = []
gc.callbacks.append(lambda phase, info: phase == "stop" and collected.append(info["generation"]))
report = probe.FirstPaintProbe._report
def cjk():
    return {BY_SCRIPT["cjk"].family!r} in QFontDatabase.families()
def _report(self):
    print("imported", *sorted(m for m in sys.modules if m in {DEFERRED_MODULES!r}), file=sys.stderr)
    print("collections", *collected, file=sys.stderr)
    print("cjk at first paint", cjk(), file=sys.stderr)
    QTimer.singleShot(200, lambda: (print("cjk later", cjk(), file=sys.stderr), report(self)))
probe.FirstPaintProbe._report = _report
from app.cli import main
sys.exit(main())
"""


def _first_paint(design: Path, home: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home), MLSD_FIRST_PAINT_PROBE="1",
               XDG_CONFIG_HOME=str(home / "c"), XDG_DATA_HOME=str(home / "d"))
    done = subprocess.run([sys.executable, "-c", PROBE, str(design), "--no-recovery"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    keys = ("imported", "collections", "cjk at first paint", "cjk later")
    lines = [line for line in done.stderr.splitlines() if line.startswith(keys)]
    return {key: line[len(key):].strip() for line in lines for key in keys if line.startswith(key)}


def test_the_first_frame_of_a_restored_window_imports_no_deferred_module(tmp_path: Path) -> None:
    first = _first_paint(EXAMPLE, tmp_path)  # saves its layout: the second run restores it
    assert "app.ui.estimates_panel" in first["imported"]  # the default layout builds the panels
    second = _first_paint(EXAMPLE, tmp_path)
    assert second["imported"] == "", second["imported"]
    # no garbage collection walks the start's objects before the frame (a hundred did: 40 ms)
    assert set(second["collections"].split()) <= {"0"} and len(second["collections"].split()) <= 5


def test_importing_the_cli_leaves_collection_as_it_was_and_its_objects_out_of_its_way() -> None:
    code = "import gc\nimport app.cli\nprint(gc.isenabled(), gc.get_freeze_count())\n"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    enabled, frozen = done.stdout.split()
    assert enabled == "True" and int(frozen) > 10_000


def test_the_cjk_font_waits_for_the_first_frame_unless_the_design_needs_it(
    tmp_path: Path, builder: DesignBuilder
) -> None:
    plain = _first_paint(EXAMPLE, tmp_path)
    assert plain["cjk at first paint"] == "False" and plain["cjk later"] == "True"
    builder.add("model", "推荐模型")
    design = tmp_path / "cjk.mlsd"
    save_design(builder.design, design)
    assert scripts_not_needed(design) == ()
    assert _first_paint(design, tmp_path)["cjk at first paint"] == "True"


def test_which_fonts_a_design_file_lets_wait(tmp_path: Path) -> None:
    assert scripts_not_needed(EXAMPLE) == ("cjk",)
    assert scripts_not_needed(None) == ("cjk",)  # the bundled example, opened without a file
    escaped = tmp_path / "escaped.mlsd"
    escaped.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Feed API", "Feed \\u63a8"))
    assert scripts_not_needed(escaped) == ()  # its text is not decoded here: every font at once
    big = tmp_path / "big.mlsd"
    big.write_bytes(EXAMPLE.read_bytes() + b" " * PEEK_BYTES)
    assert scripts_not_needed(big) == ()
    assert scripts_not_needed(tmp_path / "missing.mlsd") == ()


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_a_screenshot_paints_the_canvas_once_for_the_picture(qtbot: QtBot, tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(restore_layout=False)
    window.persist_settings = False
    counter = _PaintCounter()
    window.canvas.viewport().installEventFilter(counter)
    try:
        window.load_design(load_design(EXAMPLE, window.document.catalog).design, EXAMPLE)
        out = tmp_path / "shot.png"
        assert take_screenshot(app, window, str(out)) == 0
        painted = counter.count  # the screenshot process ends here
        qtbot.wait(WARM_DELAY_MS + 50)
        assert not window.canvas._warmed  # no idle 1:1 chromes: the picture never depends on them
    finally:
        window.close()
    assert painted == 1
    assert out.stat().st_size > 0 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert window.checker.result is not None and window.checker.result.findings  # drawn with them


def test_the_design_opened_at_start_is_checked_once_the_window_has_painted(
    qtbot: QtBot, windows: WindowFactory, design_file: Path
) -> None:
    window = windows()
    counter = _PaintCounter()
    window.canvas.viewport().installEventFilter(counter)
    check_after_first_paint(window)
    window.files.open(design_file)
    assert counter.count == 0
    assert window.checker.pending() and not window.checker.busy()  # nothing runs before the frame
    qtbot.waitUntil(lambda: not window.checker.pending(), timeout=5000)
    assert counter.count >= 1
    result = window.checker.result
    assert result is not None and result.findings == window.document.engine.check().findings


def test_run_app_leaves_collection_running_on_the_window_thread(qtbot: QtBot, design_file: Path) -> None:
    def close_soon() -> None:
        QTimer.singleShot(0, lambda: [window.close() for window in open_windows()])

    for window in open_windows():
        window.close()
    assert run_app([str(design_file), "--no-recovery"], started=close_soon) == 0
    assert gc_pause.collecting()  # the hold of the start is released, even without a frame
    families = set(QFontDatabase.families())
    assert BY_SCRIPT["cjk"].family in families  # and the fonts left for after it are added
