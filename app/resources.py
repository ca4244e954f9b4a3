"""The one place that knows where resources/ lives.

A source checkout keeps it beside the ``app`` package, a wheel installs it as
``app/_resources`` and a PyInstaller bundle unpacks it under ``sys._MEIPASS``.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_APP_DIR = Path(__file__).resolve().parent


def _candidates() -> list[Path]:
    found: list[Path] = []
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if bundle_dir:
        found.append(Path(bundle_dir) / "resources")
    found.append(_APP_DIR / "_resources")
    found.append(_APP_DIR.parent / "resources")
    return found


@cache
def resources_root() -> Path:
    """Return the resources folder, raising if no installation layout has one."""
    for candidate in _candidates():
        if (candidate / "catalog").is_dir():
            return candidate
    searched = ", ".join(str(c) for c in _candidates())
    raise FileNotFoundError(f"MLSD Studio resources not found (looked in {searched})")


def resource_path(*parts: str) -> Path:
    """Path of a file or folder under resources/."""
    return resources_root().joinpath(*parts)
