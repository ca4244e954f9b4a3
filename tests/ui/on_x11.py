"""Tests run again on a real X server: in a child process under xvfb-run, on the xcb platform
(offscreen Qt differs in standard key bindings, focus and window placement)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
F = TypeVar("F", bound=Callable[..., object])


def x11_child(test: F) -> F:
    """Skip `test` without xvfb-run, and when the suite itself runs on xcb (the in-process
    tests cover it then)."""
    test = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")(test)
    on_xcb = os.environ.get("QT_QPA_PLATFORM") == "xcb"
    return pytest.mark.skipif(on_xcb, reason="the in-process tests cover xcb")(test)


def run_on_x11(
    tmp_path: Path, args: list[str], timeout: float = 180, screen: str = "1600x1000"
) -> subprocess.CompletedProcess[str]:
    """`python ARGS` under xvfb-run on xcb (a `screen` of that size), with its own settings and
    data folders."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        "PYTHONPATH": str(ROOT),
        "MLSD_STUDIO_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24", sys.executable, *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def pytest_on_x11(tmp_path: Path, target: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """pytest of `target` (a file or a test) on a real X server; its output is in the result."""
    return run_on_x11(tmp_path, ["-m", "pytest", "-q", "-p", "no:cacheprovider", target], timeout)
