"""Recovery files: unsaved work written aside so a crash loses at most a minute. No Qt here.

Each open document (each window) has its own session id and its own file,
``<data dir>/recovery/<session id>.mlsd-recovery``. The file is JSON::

    {"format": "mlsd-studio/recovery", "version": 1, "pid": 1234, "saved_at": "...",
     "original_path": "/path/design.mlsd" or null, "title": "...",
     "disk_signature": [size, mtime_ns] or null, "design": {...design json...}}

A file whose writer process is gone is an orphan: the session crashed (a clean close removes
its file), and the next start offers to restore it.
"""

from __future__ import annotations

import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.catalog import Catalog
from app.domain.model import Design, now_iso
from app.persistence.atomic import _alive, atomic_write_bytes, clean_stale_temp_files
from app.persistence.errors import DesignLoadError
from app.persistence.loader import design_from_data, parse_json_bytes
from app.persistence.saver import json_text

RECOVERY_FORMAT = "mlsd-studio/recovery"
RECOVERY_VERSION = 1
SUFFIX = ".mlsd-recovery"
DATA_DIR_ENV = "MLSD_STUDIO_DATA_DIR"
APP_DIR_NAME = "mlsd-studio"


def user_data_dir() -> Path:
    """Where MLSD Studio keeps recovery files and logs.

    ``$MLSD_STUDIO_DATA_DIR`` when set (tests, portable installs), else the platform's user data
    folder: ``$XDG_DATA_HOME/mlsd-studio`` (``~/.local/share/mlsd-studio``) on Linux,
    ``%LOCALAPPDATA%\\mlsd-studio`` on Windows, ``~/Library/Application Support/mlsd-studio``
    on macOS.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_DIR_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR_NAME
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_DIR_NAME


def recovery_dir() -> Path:
    return user_data_dir() / "recovery"


def logs_dir() -> Path:
    return user_data_dir() / "logs"


def new_session_id() -> str:
    """A fresh id for one window's document: two windows never share a recovery file."""
    return uuid.uuid4().hex


def recovery_path(session_id: str) -> Path:
    return recovery_dir() / f"{session_id}{SUFFIX}"


@dataclass(frozen=True)
class RecoveryInfo:
    """What a recovery file says about the session that wrote it."""

    path: Path
    pid: int | None
    saved_at: str
    original_path: str | None
    title: str
    disk_signature: tuple[int, int] | None = None
    problem: str | None = None  # set when the file cannot be read; restore() will fail

    def display_name(self) -> str:
        if self.original_path:
            return Path(self.original_path).name
        return self.title or "Untitled design"


def write_recovery(
    session_id: str,
    design: Design,
    original_path: str | Path | None = None,
    disk_signature: tuple[int, int] | None = None,
) -> Path:
    """Atomically write (or replace) the session's recovery file; returns its path.

    Raises DesignSaveError when the folder cannot be written.
    """
    folder = recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": RECOVERY_FORMAT,
        "version": RECOVERY_VERSION,
        "pid": os.getpid(),
        "saved_at": now_iso(),
        "original_path": str(original_path) if original_path else None,
        "title": design.meta.title,
        "disk_signature": list(disk_signature) if disk_signature else None,
        "design": design.to_json_data(),
    }
    data = json_text(payload).encode("utf-8")
    path = recovery_path(session_id)
    atomic_write_bytes(path, data)
    return path


def _read_payload(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DesignLoadError(path, f"cannot read: {exc.strerror or exc}") from None
    data = parse_json_bytes(raw, path)
    if not isinstance(data, dict) or data.get("format") != RECOVERY_FORMAT:
        raise DesignLoadError(path, "not an MLSD Studio recovery file", "$.format")
    version = data.get("version")
    if not isinstance(version, int) or version > RECOVERY_VERSION:
        raise DesignLoadError(path, f"unsupported recovery file version {version!r}", "$.version")
    return data


def read_info(path: str | Path) -> RecoveryInfo:
    """Describe a recovery file; a damaged file gives an info with `problem` set."""
    path = Path(path)
    try:
        data = _read_payload(path)
    except DesignLoadError as exc:
        return RecoveryInfo(path, None, "", None, "", problem=str(exc))
    pid = data.get("pid")
    signature = data.get("disk_signature")
    original = data.get("original_path")
    return RecoveryInfo(
        path=path,
        pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
        saved_at=str(data.get("saved_at") or ""),
        original_path=original if isinstance(original, str) and original else None,
        title=str(data.get("title") or ""),
        disk_signature=(
            (int(signature[0]), int(signature[1]))
            if isinstance(signature, list)
            and len(signature) == 2
            and all(isinstance(v, int) for v in signature)
            else None
        ),
    )


def list_orphans() -> list[Path]:
    """Recovery files left by sessions whose process is gone (crashed), oldest first.

    Files of live sessions (this process, or another window's process still running) are
    skipped; a damaged file counts as an orphan so the user can discard it. Temp files of
    autosaves that were killed mid-write are removed on the way.
    """
    folder = recovery_dir()
    clean_stale_temp_files(folder)
    try:
        entries = [p for p in folder.iterdir() if p.name.endswith(SUFFIX) and p.is_file()]
    except OSError:
        return []
    orphans = []
    for path in entries:
        info = read_info(path)
        if info.pid is not None and (info.pid == os.getpid() or _alive(info.pid)):
            continue
        orphans.append(path)

    def mtime(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(orphans, key=mtime)


def restore(path: str | Path, catalog: Catalog | None = None) -> tuple[Design, str | None]:
    """The design in a recovery file and the path of the file it was an edit of.

    The design goes through the normal loader checks; raises DesignLoadError when the
    recovery file or its design is damaged.
    """
    path = Path(path)
    data = _read_payload(path)
    loaded = design_from_data(data.get("design"), path, catalog)
    original = data.get("original_path")
    return loaded.design, original if isinstance(original, str) and original else None


def discard(path: str | Path) -> None:
    """Remove a recovery file (missing is fine)."""
    try:
        Path(path).unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass
