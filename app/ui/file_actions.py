"""File handling of one window: new, open, save, save as, close prompts, recent files.

Every question goes through app.ui.dialogs (monkeypatched by tests). Saving never silently
overwrites a file that changed on disk since it was opened or saved, and a failed save keeps
the document marked unsaved and offers Save As. Files over LARGE_FILE_BYTES are read on a
worker thread behind a progress dialog, so the window stays responsive while they load.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.persistence import DesignLoadError, DesignSaveError, LoadedDesign, load_design, save_design
from app.persistence.atomic import clean_stale_temp_files
from app.persistence.loader import MAX_FILE_BYTES, file_signature
from app.templates import design_from_template_file
from app.ui import dialogs, gc_pause, template_dialog
from app.ui.after_paint import after_next_paint
from app.ui.document import DesignDocument

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

LARGE_FILE_BYTES = 2 * 1024 * 1024  # files above this load on a worker thread
SHOW_PROGRESS_AFTER_MS = 500  # the progress dialog of such a load appears after this long
PROGRESS_AT_ONCE_BYTES = 16 * 1024 * 1024  # unless the file is this large: then at once


def _same_file(a: Path | None, b: Path | None) -> bool:
    if a is None or b is None:
        return False
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def suggested_file_name(title: str) -> str:
    stem = re.sub(r"[^\w\- ]+", "", title).strip().replace(" ", "_").lower()
    return f"{stem or 'design'}.mlsd"


class _LoadSignals(QObject):
    loaded = Signal(object)  # LoadedDesign
    failed = Signal(str, str)  # path, message


class _LoadJob(QRunnable):
    """load_design on a worker thread; the result goes back to the GUI thread by a signal."""

    def __init__(self, path: Path, catalog: Catalog, signals: _LoadSignals):
        super().__init__()
        self.path, self.catalog, self.signals = path, catalog, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            with gc_pause.paused():  # everything the loader allocates stays alive
                loaded = load_design(self.path, self.catalog)
        except DesignLoadError as exc:
            self.signals.failed.emit(str(self.path), str(exc))
        except BaseException as exc:  # never a traceback for the user, never a silent hang
            problem = f"{self.path}: unexpected problem while reading ({type(exc).__name__})"
            self.signals.failed.emit(str(self.path), problem)
        else:
            self.signals.loaded.emit(loaded)


class FileActions(QObject):
    """The File menu's behaviour for one window."""

    load_finished = Signal(object)  # the MainWindow showing a design opened in the background
    load_failed = Signal(str)  # the message shown for a background open that failed

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.progress: QProgressDialog | None = None
        # Kept after a load ends, so it is never destroyed on the worker thread.
        self._load_signals: _LoadSignals | None = None
        self._loading = False
        self._load_cancelled = False

    @property
    def document(self) -> DesignDocument:
        return self.window.document

    # ---- new / open ---------------------------------------------------------------------

    def new_window(self) -> MainWindow:
        return self.window.spawn()

    def new_from_template(self) -> MainWindow | None:
        path = template_dialog.choose_template(self.window)
        if path is None:
            return None
        try:
            design = design_from_template_file(path)
        except DesignLoadError as exc:
            dialogs.show_error(self.window, "Cannot use template", str(exc))
            return None
        target = self._target_window()
        target.load_design(design, None)
        return target

    def open(self, path: str | Path | None = None) -> MainWindow | None:
        """Open a design file here (if this window is unused) or in a new window.

        Returns the window showing it; None when nothing was opened, or when a large file is
        being read in the background (then load_finished or load_failed follows).
        """
        if self.is_loading():
            dialogs.show_info(self.window, "Opening", "Another design is still being opened.")
            return None
        if path is None:
            path = dialogs.get_open_path(self.window, self.window.settings.last_folder())
            if not path:
                return None
        path = Path(path)
        for other in self.window.all_windows():
            if _same_file(other.document.path, path):
                other.show()
                other.raise_()
                other.activateWindow()
                return other
        try:
            size = os.stat(path).st_size
        except OSError:
            size = 0  # load_design says what is wrong
        if LARGE_FILE_BYTES < size <= MAX_FILE_BYTES and path.is_file():
            self._open_in_background(path, size)
            return None
        try:
            loaded = load_design(path, self.document.catalog)
        except DesignLoadError as exc:
            self._open_failed(path, str(exc))
            return None
        return self._show_loaded(loaded)

    def open_after_first_frame(self, path: str | Path) -> None:
        """Open `path` as the window starts: a large file (read on a worker) once the window
        has painted its first frame, which the read would otherwise hold up (the worker and the
        window's thread share the interpreter); any other file at once. is_loading() is true
        from now on until the large one is read."""
        try:
            large = LARGE_FILE_BYTES < os.stat(path).st_size <= MAX_FILE_BYTES
        except OSError:
            large = False  # open() says what is wrong
        if not large:
            self.open(path)
            return
        self._loading = True

        def start() -> None:
            self._loading = False
            self.open(path)

        after_next_paint(self.window.canvas.viewport(), start)

    def is_loading(self) -> bool:
        """True while a large file is being read in the background."""
        return self._loading

    def _open_failed(self, path: Path, message: str) -> None:
        dialogs.show_error(self.window, "Cannot open design", message)
        if not path.exists():
            self.window.settings.remove_recent_file(path)

    def _show_loaded(self, loaded: LoadedDesign) -> MainWindow:
        clean_stale_temp_files(Path(loaded.path).parent)
        target = self._target_window()
        target.load_loaded(loaded)
        return target

    def _open_in_background(self, path: Path, size: int) -> None:
        progress = QProgressDialog(f"Opening {path.name} ({size / 1e6:.0f} MB)…", "Cancel", 0, 0, self.window)
        progress.setWindowTitle("Opening design")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        # A file of a few megabytes gets its dialog only if the read takes longer than
        # SHOW_PROGRESS_AFTER_MS: it usually ends first, and the window paints its first frame
        # without a dialog to draw. A larger one (seconds of reading) gets it at once.
        progress.setMinimumDuration(10**9)  # not by Qt's own timer (it would wait 4 s here)
        delay = SHOW_PROGRESS_AFTER_MS if size < PROGRESS_AT_ONCE_BYTES else 0
        QTimer.singleShot(delay, self, lambda: self._show_progress(progress))
        progress.canceled.connect(self._cancel_load)
        self.progress = progress
        self._loading = True
        self._load_cancelled = False
        signals = _LoadSignals()
        signals.loaded.connect(self._background_loaded)
        signals.failed.connect(self._background_failed)
        self._load_signals = signals
        QThreadPool.globalInstance().start(_LoadJob(path, self.document.catalog, signals))

    def _show_progress(self, progress: QProgressDialog) -> None:
        if self.progress is progress and self._loading:  # still reading
            progress.setValue(0)
            progress.show()

    def _cancel_load(self) -> None:
        """The read cannot be interrupted; its result is dropped when it arrives."""
        self._load_cancelled = True
        self._close_progress()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self._cancel_load)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _background_loaded(self, loaded: LoadedDesign) -> None:
        self._loading = False
        if self._load_cancelled:
            self.window.show_message(f"Opening {Path(loaded.path).name} was cancelled")
            return
        if self.progress is not None:  # second stage: drawing happens on this (the GUI) thread
            self.progress.setLabelText(f"Drawing {len(loaded.design.components):,} components…")
            self.progress.repaint()
        try:
            target = self._show_loaded(loaded)
        finally:
            self._close_progress()
        self.load_finished.emit(target)

    def _background_failed(self, path: str, message: str) -> None:
        self._close_progress()
        self._loading = False
        if not self._load_cancelled:
            self._open_failed(Path(path), message)
        self.load_failed.emit(message)

    def _target_window(self) -> MainWindow:
        """This window when it holds nothing worth keeping, else a new one."""
        doc = self.document
        # Any unsaved edit is worth keeping (a typed title or problem statement too).
        keep = doc.path is not None or doc.is_modified()
        return self.new_window() if keep else self.window

    def show_load_warnings(self, loaded: LoadedDesign) -> None:
        if loaded.warnings:
            count = len(loaded.warnings)
            dialogs.show_warnings(
                self.window,
                "Opened with warnings",
                f"{Path(loaded.path).name} opened, with {count} warning{'s' if count != 1 else ''}: "
                "parts of it are not understood by this version and are kept as they are.",
                loaded.warnings,
            )

    # ---- save ---------------------------------------------------------------------------

    def save(self) -> bool:
        """Save to the document's file (Save As when it has none); True when saved."""
        self.window.commit_typing()
        doc = self.document
        if doc.path is None:
            return self.save_as()
        current = file_signature(doc.path)
        if current is not None and current != doc.disk_signature:
            choice = dialogs.ask_overwrite_changed(self.window, doc.path)
            if choice == "save_as":
                return self.save_as()
            if choice != "overwrite":
                return False
        return self._write(doc.path)

    def save_as(self) -> bool:
        self.window.commit_typing()
        doc = self.document
        if doc.path is not None:
            suggested = str(doc.path)
        else:
            suggested = str(
                Path(self.window.settings.last_folder()) / suggested_file_name(doc.design.meta.title)
            )
        path = dialogs.get_save_path(self.window, "Save design as", suggested)
        if not path:
            return False
        return self._write(Path(path))

    def _write(self, path: Path) -> bool:
        doc = self.document
        try:
            save_design(doc.design, path)
        except DesignSaveError as exc:
            self.window.statusBar().showMessage(f"Not saved: {exc}", 10_000)
            if dialogs.ask_save_failed(self.window, str(exc)) == "save_as":
                return self.save_as()
            return False
        if not _same_file(doc.path, path):
            doc.set_path(path)
        doc.disk_signature = file_signature(path)
        doc.mark_saved()
        self.window.autosaver.discard()
        self.window.settings.add_recent_file(path)
        self.window.settings.set_last_folder(path.parent)
        self.window.after_save()
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def maybe_save(self) -> bool:
        """Before closing: True when the window may close (saved, discarded or unchanged)."""
        self.window.commit_typing()
        doc = self.document
        if not doc.is_modified():
            return True
        choice = dialogs.ask_save_changes(self.window, doc.display_name())
        if choice == "save":
            return self.save()
        return choice == "discard"

    def restore(
        self, design: Design, original_path: str | None, disk_signature: tuple[int, int] | None
    ) -> None:
        """Show a design restored from a recovery file: modified, saving to its original path."""
        self.window.load_design(design, Path(original_path) if original_path else None)
        self.document.disk_signature = disk_signature
        self.document.undo_stack.resetClean()
        self.window.autosaver.save_now()
