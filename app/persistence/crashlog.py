"""The crash log shared by the window and the `mlsd` command (no Qt here): an unexpected error's
traceback is appended to <data dir>/logs/mlsd-studio.log, so a user can attach it to a bug
report while the message they see stays one line (MLSD_DEBUG=1 shows the traceback instead)."""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

from app import __version__
from app.persistence import recovery

LOG_NAME = "mlsd-studio.log"
MAX_LOG_BYTES = 1_000_000
MAX_REASON = 160  # characters of an error's message shown on the one line


def crash_log_path() -> Path:
    return recovery.logs_dir() / LOG_NAME


def write_crash_log(text: str) -> Path:
    """Append a traceback to <data dir>/logs/mlsd-studio.log (rotated past 1 MB); returns its
    path (also when it could not be written: the caller names it either way)."""
    path = crash_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_suffix(".log.1"))
        with path.open("a", encoding="utf-8") as log:
            log.write(
                f"--- {datetime.now().isoformat(timespec='seconds')} MLSD Studio {__version__}\n{text}\n"
            )
    except OSError:
        pass
    return path


def debugging() -> bool:
    """MLSD_DEBUG=1 (or any value but 0 or empty): let an unexpected error end with its traceback."""
    return os.environ.get("MLSD_DEBUG", "") not in ("", "0")


def describe_crash(what: str, exc: BaseException) -> str:
    """One line for an unexpected error: `what`, the error's kind and first words, and where its
    traceback was logged."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log = write_crash_log(text)
    reason = " ".join(str(exc).split()) or "no details"
    if len(reason) > MAX_REASON:
        reason = reason[: MAX_REASON - 1].rstrip() + "…"
    return f"{what}: {type(exc).__name__}: {reason} (an internal error; the details are in {log})"
