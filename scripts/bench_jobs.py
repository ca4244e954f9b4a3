"""Nothing long on the UI thread: what a window's exports and auto-layout cost the UI thread.

For a generated design of N components (default 2,000), in a real window (offscreen unless
QT_QPA_PLATFORM says otherwise), for auto-layout and each export (SVG, PNG, DOT, Mermaid,
Markdown, PDF report): the time the UI thread spends starting the job (snapshot), as wall time
and as the UI thread's own CPU time (time.thread_time: what a loaded machine does not inflate),
the longest gap in the event loop while the job runs (a 10 ms timer; on a loaded machine the
OS scheduler adds to it), the job's time to its result, and how long a Cancel takes to stop it
(from the click to the job's end). Each job starts right after an edit (the live check has no
result for that version yet: the worst case) unless --check current. First, what each way of
snapshotting the design costs. Run: python scripts/bench_jobs.py [--components N] [--kinds ...]
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.domain.catalog import default_catalog  # noqa: E402
from app.domain.model import Design  # noqa: E402
from app.persistence import design_to_bytes  # noqa: E402
from app.ui import dialogs  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.snapshot import dump_design, load_design_data  # noqa: E402
from tests.factories import large_design  # noqa: E402

KINDS = ("layout", "svg", "png", "dot", "mermaid", "md", "pdf")
UI_GAP_TARGET_MS = 100
START_TARGET_MS = {2000: 50, 5000: 150}  # the UI thread's time to start a job, by design size


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
    app: QCoreApplication,
    window: MainWindow,
    kind: str,
    folder: Path,
    cancel_after: float | None,
    stale: bool,
) -> str:
    """Start one job; wait for it (cancelling it after `cancel_after` s); a line of figures."""
    suffix = "" if kind == "layout" else "." + kind
    target = folder / f"out-{kind}-{cancel_after}{suffix}"
    dialogs.get_save_path = lambda *args, **kwargs: str(target)
    runner, probe, outcome = window.canvas.jobs, Probe(), []
    runner.ended.connect(lambda job_kind, state: outcome.append(state))
    if stale:  # an edit just before: the live check has no result for this version
        doc = window.document
        first = doc.design.components[0]
        doc.set_component_field(first.id, "name", first.name + " ")
        assert window.checker.pending()
    cpu, started = time.thread_time(), time.perf_counter()
    if kind == "layout":
        window.canvas.auto_layout()
    elif kind == "pdf":
        window.exports.export_report()
    else:
        window.exports.export_diagram(kind)
    start_ms, start_cpu = (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000
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
    target_ms = START_TARGET_MS.get(len(window.document.design.components), "-")
    line = (
        f"{kind:7} start {start_ms:5.0f} ms wall, {start_cpu:4.0f} ms UI-thread CPU (target {target_ms}) | "
        f"longest UI gap {gap:6.0f} ms (target {UI_GAP_TARGET_MS})"
    )
    if clicked is None:
        return f"{line} | done in {total:5.2f} s ({outcome[0]})"
    stop = (time.perf_counter() - clicked) * 1000
    if outcome[0] == "done":
        return f"{line} | finished before the cancel ({total:5.2f} s)"
    left = "no file" if not target.exists() or kind == "layout" else "FILE LEFT"
    return f"{line} | cancelled after {cancel_after:.1f} s, stopped in {stop:5.0f} ms ({outcome[0]}, {left})"


def snapshot_costs(design: Design) -> str:
    """CPU time (best of 3) of each way to snapshot the design on the UI thread."""
    ways: dict[str, Callable[[], object]] = {
        "model_dump (used)": lambda: dump_design(design),
        "model_copy(deep)": lambda: design.model_copy(deep=True),
        "copy.deepcopy": lambda: copy.deepcopy(design),
        "design_to_bytes": lambda: design_to_bytes(design),
    }
    parts = []
    for name, way in ways.items():
        best = math.inf
        for _ in range(3):
            cpu = time.thread_time()
            way()
            best = min(best, time.thread_time() - cpu)
        parts.append(f"{name} {best * 1000:.1f} ms")
    data = dump_design(design)
    cpu = time.thread_time()
    load_design_data(data)
    parts.append(f"worker's load of the dump {(time.thread_time() - cpu) * 1000:.1f} ms")
    return "snapshot CPU: " + ", ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=2000)
    parser.add_argument("--cancel-after", type=float, default=1.0, help="seconds before Cancel")
    parser.add_argument("--no-cancel", action="store_true", help="skip the cancelled runs")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated, of " + ", ".join(KINDS))
    parser.add_argument("--check", choices=("stale", "current"), default="stale")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown job kinds: {', '.join(sorted(unknown))}")
    app = QApplication.instance() or QApplication(sys.argv)
    dialogs.show_error = lambda parent, title, text: print(f"  ({title}: {' '.join(text.split())[:160]})")
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    design = large_design(default_catalog(), args.components, int(args.components * 1.3))
    window.document.reset(design)
    window.checker.check_now()
    app.processEvents()
    print(f"{args.components:,} components, {len(design.links):,} links; load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f"; check {args.check} at each start")
    print(snapshot_costs(design))
    stale = args.check == "stale"
    with tempfile.TemporaryDirectory() as folder:
        for kind in kinds:
            print(run_job(app, window, kind, Path(folder), None, stale), flush=True)
            if kind != "layout" and not args.no_cancel:
                print(run_job(app, window, kind, Path(folder), args.cancel_after, stale), flush=True)
    window.document.mark_saved()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
