"""A walk through the decision and compare UI on a real X server, driven by real X key and mouse
events (xdotool), which the offscreen test platform never sees.

Run under Xvfb (no window manager needed):
    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        python scripts/xcb_walkthrough.py --theme dark --out /tmp/walk
It opens a copy of the recommendations template, opens the Decisions dock with Ctrl+Alt+5, adds
a decision with two options through the editor (typed), supersedes it, undoes and redoes with
Ctrl+Z / Ctrl+Y / Ctrl+Shift+Z, duplicates with Ctrl+D and deletes with Delete, records a
decision from a card's context menu (right click), opens File > Compare With... (Ctrl+Alt+D),
compares with a modified copy, steps with F8 / Shift+F8, leaves with Esc and exports the
design document as Markdown. Prints one line per check and saves screenshots of the editor,
the dock and compare mode in --out; exits 1 if a check fails, 2 without xcb or xdotool.
Without a window manager a closed dialog leaves no active window, so the walk clicks the canvas
before window shortcuts, as a user would. The window is 1500x940, smaller on a screen that has
no room for it (`fit_window`; on 1440x900 it is 1412x840).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QWidget

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "resources" / "templates" / "recommendations.mlsd"


WANTED_SIZE = (1500, 940)  # room for the canvas and the docks side by side
MARGIN = 20  # from the screen's corner, as a user's window is
FRAME_ROOM = (8, 40)  # a window manager's borders and title bar, when there is one


def fit_window(available: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The walk's window (x, y, width, height): WANTED_SIZE at MARGIN from the corner of the
    `available` screen area, smaller on a screen too small for it (1440x900: it was 1500x940
    and overflowed it), frame included."""
    ax, ay, aw, ah = available
    width = min(WANTED_SIZE[0], aw - MARGIN - FRAME_ROOM[0])
    height = min(WANTED_SIZE[1], ah - MARGIN - FRAME_ROOM[1])
    return ax + MARGIN, ay + MARGIN, width, height


class Walk:
    def __init__(self, theme: str, out: Path) -> None:
        from app.ui import dialogs
        from app.ui.main_window import MainWindow
        from app.ui.theme import ThemeManager

        self.theme, self.out = theme, out
        self.failures = 0
        ThemeManager.instance().set_mode(theme)
        self.work = Path(tempfile.mkdtemp(prefix="xcb_walk_"))
        self.path = self.work / "recs.mlsd"
        shutil.copy(TEMPLATE, self.path)
        self.markdown = self.work / "recs.md"
        dialogs.get_save_path = lambda *_a, **_k: str(self.markdown)  # File > Export asks no path
        self.window = MainWindow(restore_layout=False)
        self.window.persist_settings = False
        screen = QApplication.primaryScreen().availableGeometry()
        x, y, width, height = fit_window(screen.getRect())
        self.window.resize(width, height)
        self.window.move(x, y)
        self.window.show()
        self.window.files.open(str(self.path))

    # ---- input and output -------------------------------------------------------------------

    def check(self, name: str, ok: bool, detail: object = "") -> None:
        self.failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail != "" else ""), flush=True)

    @staticmethod
    def xdo(*args: str) -> None:
        subprocess.run(["xdotool", *args], check=True)

    def click(self, widget: QWidget, pos: QPoint | None = None, button: str = "1") -> None:
        point = widget.mapToGlobal(pos if pos is not None else widget.rect().center())
        self.xdo("mousemove", "--sync", str(point.x()), str(point.y()))
        self.xdo("click", button)

    def key(self, *keys: str) -> None:
        self.xdo("key", "--clearmodifiers", *keys)

    def type(self, text: str) -> None:
        self.xdo("type", "--delay", "5", text)

    def shot(self, name: str, widget: QWidget) -> None:
        widget.grab().save(str(self.out / f"{self.theme}_{name}.png"))

    # ---- the walk ---------------------------------------------------------------------------

    def steps(self) -> Iterator[int]:  # noqa: C901 - one straight sequence, read top to bottom
        w, panel = self.window, self.window.decisions
        yield 1500
        self.check("template opened", len(w.document.design.components) > 20, w.document.path)
        self.click(w.canvas, QPoint(5, 5))
        w.findings_dock.raise_()
        yield 300
        self.key("ctrl+alt+5")
        yield 500
        self.check("Ctrl+Alt+5 brings the Decisions dock in front", not panel.visibleRegion().isEmpty())
        before = len(w.document.design.decisions)
        self.click(panel.add_button)
        yield 800
        dialog = QApplication.activeModalWidget()
        self.check("Add... opens the editor with the title focused",
                   dialog is not None and QApplication.focusWidget() is getattr(dialog, "title", None))
        self.type("Candidate retrieval: two-tower model")
        for name in ("Two-tower ANN", "Item-to-item CF"):
            self.click(dialog.add_option)
            yield 300
            self.key("ctrl+a")
            self.type(name)
            self.key("Return")
            yield 200
        table = dialog.options
        cell = table.viewport().mapToGlobal(table.visualItemRect(table.item(0, 1)).center())
        self.xdo("mousemove", "--sync", str(cell.x()), str(cell.y()))
        self.xdo("click", "--repeat", "2", "1")
        yield 300
        self.type("Scales to 10M items")
        self.key("shift+Return")
        self.type("Fresh embeddings")
        self.key("Tab")
        yield 300
        dialog.chosen.setCurrentIndex(1)
        options = [(o.name, o.pros) for o in dialog.option_values()]
        self.check("two options typed, pros on two lines",
                   options == [("Two-tower ANN", ["Scales to 10M items", "Fresh embeddings"]),
                               ("Item-to-item CF", [])], options)
        self.shot("editor", dialog)
        self.click(dialog.ok_button)
        yield 600
        decisions = w.document.design.decisions
        recorded = len(decisions) == before + 1 and decisions[-1].chosen == "Two-tower ANN"
        self.check("OK records the decision", recorded)
        first = decisions[-1].id
        panel.select(first)
        yield 200
        self.click(panel.supersede_button)
        yield 800
        dialog = QApplication.activeModalWidget()
        self.key("ctrl+a")
        self.type("Candidate retrieval: item-to-item CF")
        yield 200
        self.click(dialog.ok_button)
        yield 600
        states = [(d.id, d.status, d.supersedes) for d in w.document.design.decisions[-2:]]
        self.check("Supersede... replaces it", states[0][1] == "superseded" and states[1][2] == first, states)
        self.shot("dock", w.decisions_dock)
        self.click(w.canvas, QPoint(5, 5))
        yield 200
        done = [(d.id, d.status) for d in w.document.design.decisions]
        self.key("ctrl+z")
        yield 300
        undone = [(d.id, d.status) for d in w.document.design.decisions]
        self.key("ctrl+y")
        yield 300
        by_y = [(d.id, d.status) for d in w.document.design.decisions]
        self.key("ctrl+z")
        yield 300
        self.key("ctrl+shift+z")
        yield 300
        by_shift_z = [(d.id, d.status) for d in w.document.design.decisions]
        self.check("Ctrl+Z undoes the supersede, Ctrl+Y and Ctrl+Shift+Z redo it",
                   undone != done and by_y == done and by_shift_z == done)
        card = next(i for i in w.canvas.scene().items() if type(i).__name__ == "ComponentItem")
        count = len(w.document.design.components)
        center = w.canvas.mapFromScene(card.sceneBoundingRect().center())
        self.click(w.canvas.viewport(), center)
        yield 200
        self.key("ctrl+d")
        yield 400
        duplicated = len(w.document.design.components)
        self.key("Delete")
        yield 400
        self.check("Ctrl+D duplicates, Delete deletes",
                   duplicated == count + 1 and len(w.document.design.components) == count)
        self.key("ctrl+z")
        yield 300
        self.click(w.canvas.viewport(), center, button="3")
        yield 500
        menu = QApplication.activePopupWidget()
        self.check("right click on a card opens its menu", isinstance(menu, QMenu))
        if not isinstance(menu, QMenu):
            return
        record = next(a for a in menu.actions() if a.objectName() == "record_decision_action")
        self.click(menu, menu.actionGeometry(record).center())
        yield 800
        dialog = QApplication.activeModalWidget()
        concerns = [dialog.components.item(i).checkState().name for i in range(dialog.components.count())]
        self.check("Record a decision... opens the editor about that card", concerns.count("Checked") == 1)
        self.shot("editor_from_card", dialog)
        self.key("Escape")
        yield 400
        self.check("Esc cancels the editor", QApplication.activeModalWidget() is None)
        yield from self.compare()

    def compare(self) -> Iterator[int]:
        from app.persistence import load_design, save_design

        w = self.window
        older = load_design(self.path, w.document.catalog).design
        older.components[1].name = (older.components[1].name or "") + " v0"
        gone = w.document.design.components[3]
        w.document.remove_items([gone.id])
        old_path = self.work / "older.mlsd"
        save_design(older, old_path)
        self.click(w.canvas, QPoint(5, 5))
        yield 300
        self.key("ctrl+alt+d")
        yield 800
        source = QApplication.activeModalWidget()
        self.check("Ctrl+Alt+D opens Compare With", source is not None)
        if source is not None:
            self.key("Escape")
            yield 400
        w.compare.compare_file(old_path)
        yield 800
        self.click(w.canvas, QPoint(5, 5))
        yield 200
        rows = []
        for key in ("F8", "F8", "F8", "shift+F8"):
            self.key(key)
            yield 400
            rows.append(w.compare.panel.current_row())
        self.check("F8 / Shift+F8 step through the changes", rows == [0, 1, 2, 1], rows)
        removed = [i for i, e in enumerate(w.compare.panel.entries()) if e.action == "removed"]
        if removed:
            w.compare.focus(removed[0])
            yield 400
        self.shot("compare", w)
        self.key("Escape")
        yield 500
        self.check("Esc leaves compare mode", not w.compare.is_active() and not w.compare.marks())
        w.actions.export_diagram["md"].trigger()
        yield 500
        text = self.markdown.read_text(encoding="utf-8") if self.markdown.exists() else ""
        self.check("File > Export > Design document as Markdown",
                   "item-to-item CF" in text and "Two-tower ANN" in text, f"{len(text)} characters")

    def finish(self) -> None:
        self.window.document.mark_saved()
        self.window.close()
        shutil.rmtree(self.work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--out", default=".", help="folder for the screenshots")
    args = parser.parse_args()
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or shutil.which("xdotool") is None:
        print("xcb_walkthrough: run with QT_QPA_PLATFORM=xcb under Xvfb, with xdotool installed",
              file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = tempfile.mkdtemp(prefix="xcb_walk_data_")  # the theme choice stays out of your settings
    os.environ["MLSD_STUDIO_DATA_DIR"] = data
    os.environ["XDG_CONFIG_HOME"] = str(Path(data) / "config")
    sys.path.insert(0, str(ROOT))
    from app.ui.main import make_application

    app = make_application()
    walk = Walk(args.theme, out)
    steps = walk.steps()

    def tick() -> None:
        try:
            QTimer.singleShot(next(steps), tick)
        except StopIteration:
            stop(1 if walk.failures else 0)
        except Exception as exc:  # a step that cannot go on: report it and stop
            walk.check("walk", False, repr(exc))
            stop(1)

    def stop(code: int) -> None:
        # The steps run inside the dialogs' and menus' nested event loops, so quit() may not
        # unwind them all (seen once after the card menu's editor); end the process outright.
        walk.finish()
        sys.stdout.flush()
        os._exit(code)

    QTimer.singleShot(500, tick)
    app.exec()
    return 1


if __name__ == "__main__":
    sys.exit(main())
