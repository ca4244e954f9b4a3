"""Pictures of the window saved from the command line (`--screenshot`, the rubric's picture).

The format comes from OUT's suffix and is checked before the window opens; the picture is
encoded in memory and written atomically, so a refused or failed save leaves an existing file
(the design itself, given by mistake) as it was. OUT '-' is standard output, as PNG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage, QImageWriter

from app.persistence.atomic import STDOUT, refuse_unwritable, write_output
from app.persistence.errors import DesignSaveError, display_path


def _format(out: str) -> str:
    return "png" if out == STDOUT else Path(out).suffix.lower().lstrip(".")


def picture_problem(out: str) -> str | None:
    """Why a picture cannot be saved as `out`, or None: its suffix names no image format, its
    folder is missing, a folder has its name, or it is standard output on a terminal. Checked
    before the window is built, not once the picture is made."""
    writable = {bytes(f.data()).decode().lower() for f in QImageWriter.supportedImageFormats()}
    fmt = _format(out)
    if fmt not in writable:
        shown = f"'.{fmt}'" if fmt else "a name without a suffix"
        return f"{display_path(out)}: cannot save a picture as {shown}; end the name in .png or .jpg"
    if out == STDOUT:
        if sys.stdout is not None and sys.stdout.isatty():
            return "not writing a PNG to the terminal; redirect it to a file (> out.png) or pipe it"
        return None
    try:
        refuse_unwritable(out)
    except DesignSaveError as exc:
        return exc.command_line_message()
    return None


def save_picture(image: QImage, out: str, quality: int = -1) -> str | None:
    """Encode `image` in the format of `out`'s suffix and write it atomically; the problem, or None."""
    problem = picture_problem(out)
    if problem:
        return problem
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, _format(out).upper(), quality):  # type: ignore[call-overload]
        return f"could not encode the picture for {out}"
    buffer.close()
    try:
        write_output(out, bytes(data.data()))
    except DesignSaveError as exc:
        return exc.command_line_message()
    except OSError as exc:  # standard output closed or full
        return f"could not write the picture to the standard output: {exc.strerror or exc}"
    return None
