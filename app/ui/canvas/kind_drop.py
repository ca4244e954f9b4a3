"""A kind dragged from the palette onto the canvas: the canvas takes that and nothing else."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

KIND_MIME_TYPE = "application/x-mlsd-kind"


def carries_kind(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
    mime = event.mimeData()
    return mime is not None and mime.hasFormat(KIND_MIME_TYPE)


def accept_kind_drag(event: QDragEnterEvent | QDragMoveEvent) -> None:
    """Accept a drag that carries a kind (as a copy); ignore any other."""
    if carries_kind(event):
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
    else:
        event.ignore()  # the canvas takes kinds from the palette, nothing else


def dropped_kind(event: QDropEvent) -> str | None:
    """The kind id a drop carries, or None when it carries none."""
    if not carries_kind(event):
        return None
    return bytes(event.mimeData().data(KIND_MIME_TYPE).data()).decode("utf-8", "replace").strip()
