"""File > Export: diagrams (SVG, PNG, DOT, Mermaid), the design document (PDF report, Markdown)
and canvas images.

Diagrams, the Markdown document and the PDF report are built on a worker thread (app.ui.jobs)
from a snapshot taken when the export starts, with progress and Cancel in the status bar; the
user goes on editing meanwhile. The snapshot (app.ui.snapshot) costs the UI thread a few
milliseconds: the design is dumped to plain data there and loaded back by the worker, which
also copies the catalog and, unless the live check has a result for the current version,
checks the design itself.
One export runs at a time per window. Files are written atomically and only at the end: a
cancelled or failed export leaves no file (and no temporary file) at the target, and a file
already there untouched.

Canvas images paint the live scene (QGraphicsScene is not thread-safe), so they are painted on
the UI thread, as the view paints itself (about a second for 2,000 components); compressing
the PNG, most of the time of a large image, and writing run on the worker like the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app import progress
from app.domain.catalog import Catalog
from app.domain.model import Design
from app.persistence import design_to_bytes
from app.persistence.atomic import atomic_write_bytes
from app.ui import dialogs
from app.ui.file_actions import suggested_file_name
from app.ui.jobs import Job, JobIndicator, JobRunner
from app.ui.snapshot import take_snapshot

if TYPE_CHECKING:
    from app.rules.engine import CheckResult
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

EXPORT_JOB = "export"

# format -> (menu text, file filter, suffix)
DIAGRAM_FORMATS = {
    "svg": ("Diagram as SVG…", "SVG images (*.svg)", ".svg"),
    "png": ("Diagram as PNG…", "PNG images (*.png)", ".png"),
    "dot": ("Graphviz DOT…", "Graphviz DOT (*.dot *.gv)", ".dot"),
    "mermaid": ("Mermaid…", "Mermaid (*.mmd *.md)", ".mmd"),
    "md": ("Design document as Markdown…", "Markdown (*.md)", ".md"),
}
CANVAS_FORMATS = {
    "png": ("Canvas image as PNG…", "PNG images (*.png)", ".png"),
    "svg": ("Canvas image as SVG…", "SVG images (*.svg)", ".svg"),
}


def diagram_bytes(fmt: str, design: Design, catalog: Catalog, result: CheckResult) -> bytes:
    """A diagram or the Markdown document as bytes (Qt-free: runs on a worker thread)."""
    from app import export  # imported on first use: Graphviz plumbing and reportlab slow start-up

    if fmt == "mermaid":
        text: str | bytes = export.to_mermaid(design, catalog)
    elif fmt == "md":  # the design document, as the PDF report has it
        from app.export.markdown import to_markdown

        text = to_markdown(design, result, catalog)
    else:
        functions: dict[str, Callable[..., str | bytes]] = {
            "svg": export.to_svg,
            "png": export.to_png,
            "dot": export.to_dot,
        }
        function = functions[fmt]
        text = function(design, catalog, result)
    return text.encode("utf-8") if isinstance(text, str) else bytes(text)


def write_output(path: str | Path, data: bytes) -> None:
    """Write a job's output atomically, unless the job was cancelled first."""
    with progress.committing():
        atomic_write_bytes(path, data)


class ExportActions(QObject):
    """The Export submenu's behaviour for one window."""

    export_finished = Signal(str)  # the path written (every kind of export, the report too)
    export_failed = Signal(str)  # the message shown
    export_cancelled = Signal(str)  # the path not written
    report_finished = Signal(str)
    report_failed = Signal(str)

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.jobs: JobRunner = window.canvas.jobs  # shared with auto-layout: one status row each
        self.indicator = JobIndicator(self.jobs, window)
        window.statusBar().addPermanentWidget(self.indicator)
        # Extra report sections (heading, flowables) added to every report of this window,
        # e.g. the interview rubric while interviewing; set by the interview controller.
        self.report_sections: Callable[[], Sequence[Any]] | None = None

    @property
    def progress(self) -> Job | None:
        """The export running in this window, if any."""
        return self.jobs.jobs.get(EXPORT_JOB)

    def _suggest(self, suffix: str) -> str:
        doc = self.window.document
        stem = Path(suggested_file_name(doc.design.meta.title)).stem
        folder = doc.path.parent if doc.path else Path(self.window.settings.last_folder())
        return str(folder / f"{stem}{suffix}")

    def _snapshot(self) -> Callable[[], tuple[Design, Catalog, CheckResult]]:
        """What an export reads, so that editing can go on while it runs: the document dumped
        now (a few ms, app.ui.snapshot), and a function the worker calls for its own design,
        catalog and check result. The check never runs here: the live checker's result is
        passed when it was made for the current version, otherwise the worker checks."""
        doc, checker = self.window.document, self.window.checker
        current = checker.result if checker.result is not None and not checker.pending() else None
        return take_snapshot(doc.design, doc.catalog, list(doc.engine.rules), current).load

    def _may_start(self) -> bool:
        """False (and said) while an export runs; otherwise True, once what is being typed (the
        canvas's name editor, an inspector field) is an edit, so that the export holds it."""
        if self.jobs.busy(EXPORT_JOB):
            self.window.statusBar().showMessage("An export is running: wait for it or cancel it first", 5000)
            return False
        self.window.commit_typing()
        return True

    def export_diagram(self, fmt: str) -> str | None:
        """Ask for a path and export on a worker thread; returns the path (export_finished,
        export_failed or export_cancelled follows), or None when nothing was started."""
        if not self._may_start():
            return None
        label, name_filter, suffix = DIAGRAM_FORMATS[fmt]
        path = dialogs.get_save_path(
            self.window, f"Export {label.rstrip('…')}", self._suggest(suffix), name_filter, suffix
        )
        if not path:
            return None
        snapshot = self._snapshot()

        def work() -> None:
            write_output(path, diagram_bytes(fmt, *snapshot()))

        name = Path(path).name
        self._start(f"Exporting {name}", work, path, "Export failed", f"Could not export {name}:")
        return path

    def export_canvas_image(self, fmt: str) -> str | None:
        """The canvas as it looks: painted on the UI thread (see the module's note), compressed
        and written on the worker; returns the path (export_finished ... follows) or None."""
        if not self._may_start():
            return None
        label, name_filter, suffix = CANVAS_FORMATS[fmt]
        path = dialogs.get_save_path(
            self.window, f"Export {label.rstrip('…')}", self._suggest(suffix), name_filter, suffix
        )
        if not path:
            return None
        from app.ui.canvas.image_export import image_bytes, paint_image

        name = Path(path).name
        try:
            picture, _ = paint_image(self.window.canvas.design_scene, fmt)
        except Exception as exc:
            dialogs.show_error(self.window, "Export failed", f"Could not export {name}:\n{exc}")
            return None

        def work() -> None:
            data = image_bytes(picture)
            progress.checkpoint(0.9, "Writing")
            write_output(path, data)

        self._start(f"Exporting {name}", work, path, "Export failed", f"Could not export {name}:")
        return path

    def export_report(self, extra_sections: Sequence[Any] | None = None) -> str | None:
        """Ask for a PDF path and build the report on a worker thread; returns the path
        (report_finished or report_failed follows, or export_cancelled), or None.

        `extra_sections` ((heading, flowables) pairs) go before the appendix; without them,
        the window's `report_sections` hook supplies any.
        """
        if not self._may_start():
            return None
        path = dialogs.get_save_path(
            self.window, "Export PDF report", self._suggest(".pdf"), "PDF documents (*.pdf)", ".pdf"
        )
        if not path:
            return None
        from app import export  # imported on first use: reportlab slows start-up

        snapshot = self._snapshot()
        if extra_sections is None and self.report_sections is not None:
            extra_sections = list(self.report_sections())

        def work() -> None:
            design, catalog, result = snapshot()
            export.build_report(
                design,
                path,
                result=result,
                catalog=catalog,
                design_bytes=design_to_bytes(design),
                extra_sections=extra_sections or None,
            )

        self._start(
            "Building the PDF report", work, path, "Report failed", "The PDF report could not be built:", True
        )
        return path

    def _start(
        self,
        title: str,
        work: Callable[[], None],
        path: str,
        fail_title: str,
        fail_text: str,
        report: bool = False,
    ) -> None:
        def done(_: None) -> None:
            self.window.statusBar().showMessage(
                f"Report written to {path}" if report else f"Exported {path}", 8000
            )
            self.export_finished.emit(path)
            if report:
                self.report_finished.emit(path)

        def failed(error: BaseException) -> None:
            message = str(error) or type(error).__name__
            dialogs.show_error(self.window, fail_title, f"{fail_text}\n{message}")
            self.export_failed.emit(message)
            if report:
                self.report_failed.emit(message)

        def cancelled() -> None:
            self.window.statusBar().showMessage(f"Export cancelled: {Path(path).name} was not written", 8000)
            self.export_cancelled.emit(path)

        self.jobs.start(EXPORT_JOB, title, work, done, failed, cancelled)
