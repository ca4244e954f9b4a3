"""File handling of one window: new, open, save, save as, close prompts, recent files.

Every question goes through app.ui.dialogs (monkeypatched by tests). Saving never silently
overwrites a file that changed on disk since it was opened or saved, and a failed save keeps
the document marked unsaved and offers Save As.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.domain.model import Design
from app.persistence import DesignLoadError, DesignSaveError, LoadedDesign, load_design, save_design
from app.persistence.atomic import clean_stale_temp_files
from app.persistence.loader import file_signature
from app.ui import dialogs, template_dialog
from app.ui.document import DesignDocument

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow


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


class FileActions(QObject):
    """The File menu's behaviour for one window."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window

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
            design = template_dialog.design_from_template_file(path)
        except DesignLoadError as exc:
            dialogs.show_error(self.window, "Cannot use template", str(exc))
            return None
        target = self._target_window()
        target.load_design(design, None)
        return target

    def open(self, path: str | Path | None = None) -> MainWindow | None:
        """Open a design file here (if this window is unused) or in a new window."""
        if path is None:
            path = dialogs.get_open_path(self.window, self.window.settings.last_folder())
            if not path:
                return None
        path = Path(path)
        from app.ui.main_window import open_windows

        for other in open_windows():
            if _same_file(other.document.path, path):
                other.show()
                other.raise_()
                other.activateWindow()
                return other
        try:
            loaded = load_design(path, self.document.catalog)
        except DesignLoadError as exc:
            dialogs.show_error(self.window, "Cannot open design", str(exc))
            if not path.exists():
                self.window.settings.remove_recent_file(path)
            return None
        clean_stale_temp_files(path.parent)
        target = self._target_window()
        target.load_loaded(loaded)
        return target

    def _target_window(self) -> MainWindow:
        """This window when it holds nothing worth keeping, else a new one."""
        doc = self.document
        keep = doc.path is not None or (doc.is_modified() and bool(doc.design.components))
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
