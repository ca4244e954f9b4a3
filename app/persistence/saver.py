"""Writing design files: canonical JSON through an atomic write."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from app.domain.json_number import ExactNumber, dumps, has_exact
from app.domain.model import Design, now_iso
from app.domain.text import json_escape_bidi_bytes
from app.persistence.atomic import STDOUT, atomic_write_bytes, clean_stale_temp_files, write_output

# Objects written on one line when their values are all scalars or lists of scalars: a card's
# properties and position, the design's rule overrides. With lists of scalars (always on one
# line), a one-field edit (a property set, changed or unset, a move, a decision's components)
# changes exactly one line of the file, and no edit leaves a stray comma change behind.
INLINE_OBJECTS = frozenset({"properties", "position", "rule_overrides"})
_INLINE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode
_SCALAR = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def design_to_bytes(design: Design) -> bytes:
    """The canonical file contents: UTF-8 JSON indented by 2, one field per line (small
    objects and lists of scalars on one line, see INLINE_OBJECTS), ending in a newline.
    Any JSON reader reads it; older files written with every value on its own line load too."""
    out: list[str] = []
    _write(design.to_json_data(), "", out, "")
    out.append("\n")
    return "".join(out).encode("utf-8")


def json_text(value: Any) -> str:
    """JSON data as design files write it (an ExactNumber as its text), without the newline."""
    out: list[str] = []
    _write(value, "", out, "")
    return "".join(out)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _flat(value: Any) -> bool:
    return _is_scalar(value) or (isinstance(value, list) and all(_is_scalar(v) for v in value))


def _inline(value: Any) -> str:
    if has_exact(value):  # json writes a float's own repr (inf would not even be written)
        return dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
    return _INLINE(value)


def _write(value: Any, key: str, out: list[str], indent: str) -> None:
    if isinstance(value, dict):
        if not value or (key in INLINE_OBJECTS and all(_flat(v) for v in value.values())):
            out.append(_inline(value))
            return
        inner = indent + "  "
        out.append("{")
        for i, (k, v) in enumerate(value.items()):
            out.append(("\n" if i == 0 else ",\n") + inner + _SCALAR(str(k)) + ": ")
            _write(v, str(k), out, inner)
        out.append("\n" + indent + "}")
    elif isinstance(value, list):
        if all(_is_scalar(v) for v in value):
            out.append(_inline(value))
            return
        inner = indent + "  "
        out.append("[")
        for i, v in enumerate(value):
            out.append(("\n" if i == 0 else ",\n") + inner)
            _write(v, "", out, inner)
        out.append("\n" + indent + "]")
    elif type(value) is ExactNumber:
        out.append(value.text)
    else:
        out.append(_SCALAR(value))


def save_design(design: Design, path: str | Path, touch_modified: bool = True) -> bytes:
    """Atomically write the design; returns the bytes written.

    `touch_modified` stamps meta.modified (off for migrations, which are not edits). The
    stamp is restored if the write fails, so a failed save changes nothing.
    """
    previous_modified = design.meta.modified
    if touch_modified:
        design.meta.modified = now_iso()
    try:
        data = design_to_bytes(design)
        atomic_write_bytes(path, data)  # as given: Path() would drop a trailing slash
    except BaseException:
        design.meta.modified = previous_modified
        raise
    clean_stale_temp_files(Path(path).parent)
    return data


def write_design(design: Design, out: str | Path, touch_modified: bool = True) -> bytes:
    """save_design to the file `out`, or to standard output when `out` is STDOUT ('-'), as a
    command's OUT argument means (bidi controls written as \\u escapes); returns the bytes
    written."""
    if os.fspath(out) != STDOUT:
        return save_design(design, out, touch_modified)
    if touch_modified:
        design.meta.modified = now_iso()
    data = json_escape_bidi_bytes(design_to_bytes(design))
    write_output(out, data)
    return data
