"""Nothing long on the UI thread: what a window's exports and auto-layout cost the UI thread.

For a generated design of N components (default 2,000), in a real window (offscreen unless
QT_QPA_PLATFORM says otherwise), for auto-layout, the SVG and Markdown exports and the PDF
report: the time the UI thread spends starting the job (snapshot), the longest gap in the
event loop while the job runs (a 10 ms timer; on a loaded machine the OS scheduler adds to
it), the job's time to its result, and how long a Cancel takes to stop it (from the click to
the job's end). Run: python scripts/bench_jobs.py [--components N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.domain.catalog import default_catalog  # noqa: E402
from app.ui import dialogs  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from tests.factories import large_design  # noqa: E402

KINDS = ("layout", "svg", "md", "pdf")
UI_GAP_TARGET_MS = 100


class Probe:
    """The longest event-loop gap between start() and stop()."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def start(self) -> None:
        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        self.timer.stop()
        return self.longest * 1000


def run_job(
    app: QCoreApplication, window: MainWindow, kind: str, folder: Path, cancel_after: float | None
) -> str:
    """Start one job; wait for it (cancelling it after `cancel_after` s); a line of figures."""
    suffix = {"layout": "", "svg": ".svg", "md": ".md", "pdf": ".pdf"}[kind]
    target = folder / f"out-{kind}-{cancel_after}{suffix}"
    dialogs.get_save_path = lambda *args, **kwargs: str(target)
    runner, probe, outcome = window.canvas.jobs, Probe(), []
    runner.ended.connect(lambda job_kind, state: outcome.append(state))
    started = time.perf_counter()
    if kind == "layout":
        window.canvas.auto_layout()
    elif kind == "pdf":
        window.exports.export_report()
    else:
        window.exports.export_diagram(kind)
    start_ms = (time.perf_counter() - started) * 1000
    probe.start()
    clicked = None
    while not outcome:
        app.processEvents()
        time.sleep(0.002)
        if cancel_after is not None and clicked is None and time.perf_counter() - started > cancel_after:
            clicked = time.perf_counter()
            runner.cancel("layout" if kind == "layout" else "export")
    gap = probe.stop()
    total = time.perf_counter() - started
    runner.ended.disconnect()
    if window.document.undo_stack.canUndo() and kind == "layout":
        window.document.undo_stack.undo()  # the next job starts from the same positions
    line = f"{kind:7} start {start_ms:6.0f} ms | longest UI gap {gap:6.0f} ms (target {UI_GAP_TARGET_MS})"
    if clicked is None:
        return f"{line} | done in {total:5.2f} s ({outcome[0]})"
    stop = (time.perf_counter() - clicked) * 1000
    left = "no file" if not target.exists() or kind == "layout" else "FILE LEFT"
    return f"{line} | cancelled after {cancel_after:.1f} s, stopped in {stop:5.0f} ms ({outcome[0]}, {left})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=2000)
    parser.add_argument("--cancel-after", type=float, default=1.0, help="seconds before Cancel")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    dialogs.show_error = lambda parent, title, text: print(f"  ({title}: {' '.join(text.split())[:160]})")
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    design = large_design(default_catalog(), args.components, int(args.components * 1.3))
    window.document.reset(design)
    window.checker.check_now()
    app.processEvents()
    print(f"{args.components:,} components, {len(design.links):,} links")
    with tempfile.TemporaryDirectory() as folder:
        for kind in KINDS:
            print(run_job(app, window, kind, Path(folder), None), flush=True)
            if kind != "layout":
                print(run_job(app, window, kind, Path(folder), args.cancel_after), flush=True)
    window.document.mark_saved()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
