"""File > Export: diagrams (SVG, PNG, DOT, Mermaid), the design document (PDF report, Markdown)
and canvas images.

Diagram bytes are written atomically. The report is built on a worker thread from a copy
of the design, behind a busy QProgressDialog, so the window stays responsive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog

from app.persistence import design_to_bytes
from app.persistence.atomic import atomic_write_bytes
from app.ui import dialogs
from app.ui.file_actions import suggested_file_name

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

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


class _JobSignals(QObject):
    finished = Signal(str)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], None], out: str, signals: _JobSignals):
        super().__init__()
        self.work, self.out, self.signals = work, out, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            self.work()
        except Exception as exc:  # reported to the user, never lost
            log.exception("report export failed")
            self.signals.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.signals.finished.emit(self.out)


class ExportActions(QObject):
    """The Export submenu's behaviour for one window."""

    report_finished = Signal(str)
    report_failed = Signal(str)

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.progress: QProgressDialog | None = None
        self._signals: _JobSignals | None = None
        # Extra report sections (heading, flowables) added to every report of this window,
        # e.g. the interview rubric while interviewing; set by the interview controller.
        self.report_sections: Callable[[], Sequence[Any]] | None = None

    def _suggest(self, suffix: str) -> str:
        doc = self.window.document
        stem = Path(suggested_file_name(doc.design.meta.title)).stem
        folder = doc.path.parent if doc.path else Path(self.window.settings.last_folder())
        return str(folder / f"{stem}{suffix}")

    def _result(self) -> Any:
        checker = self.window.checker
        return checker.result if checker.result is not None and not checker.pending() else checker.check_now()

    def export_diagram(self, fmt: str) -> str | None:
        label, name_filter, suffix = DIAGRAM_FORMATS[fmt]
        path = dialogs.get_save_path(
            self.window, f"Export {label.rstrip('…')}", self._suggest(suffix), name_filter, suffix
        )
        if not path:
            return None
        doc = self.window.document
        try:
            from app import export  # imported on first use: reportlab slows start-up

            if fmt == "mermaid":
                text: str | bytes = export.to_mermaid(doc.design, doc.catalog)
            elif fmt == "md":  # the design document, as the PDF report has it
                from app.export.markdown import to_markdown

                text = to_markdown(doc.design, self._result(), doc.catalog)
            else:
                function = {"svg": export.to_svg, "png": export.to_png, "dot": export.to_dot}[fmt]
                text = function(doc.design, doc.catalog, self._result())
            data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
            atomic_write_bytes(path, data)
        except Exception as exc:  # RenderError, DesignSaveError, a missing Graphviz, ...
            dialogs.show_error(self.window, "Export failed", f"Could not export {Path(path).name}:\n{exc}")
            return None
        self.window.statusBar().showMessage(f"Exported {path}", 5000)
        return path

    def export_canvas_image(self, fmt: str) -> str | None:
        label, name_filter, suffix = CANVAS_FORMATS[fmt]
        path = dialogs.get_save_path(
            self.window, f"Export {label.rstrip('…')}", self._suggest(suffix), name_filter, suffix
        )
        if not path:
            return None
        try:
            self.window.canvas.render_to_image(path, fmt)
        except Exception as exc:
            dialogs.show_error(self.window, "Export failed", f"Could not export {Path(path).name}:\n{exc}")
            return None
        self.window.statusBar().showMessage(f"Exported {path}", 5000)
        return path

    def export_report(self, extra_sections: Sequence[Any] | None = None) -> str | None:
        """Ask for a PDF path and build the report on a worker thread; returns the path.

        `extra_sections` ((heading, flowables) pairs) go before the appendix; without them,
        the window's `report_sections` hook supplies any.
        """
        if self.progress is not None:
            return None  # one report at a time per window
        path = dialogs.get_save_path(
            self.window, "Export PDF report", self._suggest(".pdf"), "PDF documents (*.pdf)", ".pdf"
        )
        if not path:
            return None
        from app import export  # imported on first use: reportlab slows start-up

        doc = self.window.document
        design = doc.design.model_copy(deep=True)
        result = self._result()
        catalog = doc.catalog
        design_bytes = design_to_bytes(design)
        if extra_sections is None and self.report_sections is not None:
            extra_sections = list(self.report_sections())

        def work() -> None:
            export.build_report(
                design,
                path,
                result=result,
                catalog=catalog,
                design_bytes=design_bytes,
                extra_sections=extra_sections or None,
            )

        progress = QProgressDialog("Building the PDF report…", "", 0, 0, self.window)
        progress.setWindowTitle("Export PDF report")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.show()
        self.progress = progress
        self._signals = _JobSignals()
        self._signals.finished.connect(self._report_done)
        self._signals.failed.connect(self._report_failed)
        QThreadPool.globalInstance().start(_Job(work, path, self._signals))
        return path

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _report_done(self, path: str) -> None:
        self._close_progress()
        self.window.statusBar().showMessage(f"Report written to {path}", 8000)
        self.report_finished.emit(path)

    def _report_failed(self, message: str) -> None:
        self._close_progress()
        dialogs.show_error(self.window, "Report failed", f"The PDF report could not be built:\n{message}")
        self.report_failed.emit(message)
