"""Writing design files: canonical JSON through an atomic write."""

from __future__ import annotations

import json
from pathlib import Path

from app.domain.model import Design, now_iso
from app.persistence.atomic import atomic_write_bytes, clean_stale_temp_files


def design_to_bytes(design: Design) -> bytes:
    """The canonical file contents: indented UTF-8 JSON ending in a newline."""
    text = json.dumps(design.to_json_data(), indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def save_design(design: Design, path: str | Path, touch_modified: bool = True) -> bytes:
    """Atomically write the design; returns the bytes written.

    `touch_modified` stamps meta.modified (off for migrations, which are not edits). The
    stamp is restored if the write fails, so a failed save changes nothing.
    """
    path = Path(path)
    previous_modified = design.meta.modified
    if touch_modified:
        design.meta.modified = now_iso()
    try:
        data = design_to_bytes(design)
        atomic_write_bytes(path, data)
    except BaseException:
        design.meta.modified = previous_modified
        raise
    clean_stale_temp_files(path.parent)
    return data
