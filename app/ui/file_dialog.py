"""The file dialogs of Open, Save As and the exports (`dialogs.get_open_path`, `get_save_path`).

Where Qt draws its own dialog (no platform dialog: Xvfb, a bare window manager) it asks its
icon provider for each file's icon and type, and Qt's provider found both by reading the file's
first bytes when the name did not settle them. Typing /proc in the dialog read /proc/kmsg, which
blocks until the kernel logs something: the window froze. Icons and types here come from the
name alone (a design is an "MLSD design"); a platform dialog does not use the provider.
"""

from __future__ import annotations

from PySide6.QtCore import QFileInfo, QMimeDatabase, QMimeType
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

DESIGN_SUFFIX = ".mlsd"
DESIGN_TYPE = "MLSD design"


class NameTypeIconProvider(QFileIconProvider):
    """A file's icon and type from its name, never from its contents; folders, drives and
    devices as Qt shows them (it reads none of them)."""

    def __init__(self) -> None:
        super().__init__()
        self._mimes = QMimeDatabase()

    def _mime(self, info: QFileInfo) -> QMimeType:
        return self._mimes.mimeTypeForFile(info.fileName(), QMimeDatabase.MatchMode.MatchExtension)

    def type(self, info: QFileInfo) -> str:
        if not info.isFile():
            return super().type(info)
        if info.fileName().lower().endswith(DESIGN_SUFFIX):
            return DESIGN_TYPE
        mime = self._mime(info)
        return mime.comment() or mime.name()

    def icon(self, kind: QFileInfo | QAbstractFileIconProvider.IconType) -> QIcon:
        if not isinstance(kind, QFileInfo) or not kind.isFile():
            return super().icon(kind)
        mime = self._mime(kind)
        plain = super().icon(QAbstractFileIconProvider.IconType.File)
        return QIcon.fromTheme(mime.iconName(), QIcon.fromTheme(mime.genericIconName(), plain))


class FileDialog(QFileDialog):
    """The dialog `QFileDialog.getOpenFileName` or `getSaveFileName` would show, types by name."""

    def __init__(
        self,
        parent: QWidget | None,
        caption: str,
        directory: str,
        name_filter: str,
        save: bool,
        suffix: str = "",
    ):
        super().__init__(parent, caption, directory, name_filter)
        self.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        self.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
        # A name typed without `suffix` gets it before the dialog asks whether to replace a
        # file: added after the dialog, "design" silently replaced design.mlsd.
        self.setDefaultSuffix(suffix.lstrip("."))
        self.types = NameTypeIconProvider()  # kept here: the dialog does not own its provider
        self.setIconProvider(self.types)


def ask_path(
    parent: QWidget | None, caption: str, directory: str, name_filter: str, save: bool, suffix: str = ""
) -> str:
    """The path chosen (ending in `suffix` when the name typed had none), or "" when the dialog
    was cancelled."""
    dialog = FileDialog(parent, caption, directory, name_filter, save, suffix)
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return ""
        chosen = dialog.selectedFiles()
        return chosen[0] if chosen else ""
    finally:
        dialog.deleteLater()
