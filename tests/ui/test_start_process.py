"""Whole `mlsd` window processes as the entry points run them: a --screenshot process leaves
as soon as its picture is written (app.cli._end_screenshot_process), with the same picture and
exit status as run_app gives in-process; the first-paint probe of scripts/bench_start.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.resources import resource_path
from app.ui.main import run_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = resource_path("examples", "example.mlsd")


def _entry(entry: str, args: list[str], home: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_CONFIG_HOME=str(home / "c"),
               XDG_DATA_HOME=str(home / "d"), **extra)
    code = f"import sys; from app.cli import {entry}; sys.exit({entry}())"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_a_screenshot_process_writes_the_same_picture_as_run_app(qtbot: QtBot, tmp_path: Path) -> None:
    inside = tmp_path / "inside.png"
    assert run_app([str(EXAMPLE), "--screenshot", str(inside)]) == 0
    for entry in ("main", "main_gui"):
        out = tmp_path / f"{entry}.png"
        done = _entry(entry, [str(EXAMPLE), "--screenshot", str(out)], tmp_path)
        assert done.returncode == 0, done.stderr
        image = QImage(str(out))
        assert image.size().toTuple() == (1600, 1000)
        assert image == QImage(str(inside)), f"{entry}: the picture differs from run_app's"


def test_a_screenshot_process_of_a_bad_file_still_says_why_and_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "never.png"
    done = _entry("main", [str(tmp_path / "missing.mlsd"), "--screenshot", str(out)], tmp_path)
    assert done.returncode == 2
    assert "missing.mlsd" in done.stderr and "no such file" in done.stderr
    assert not out.exists()


def test_the_first_paint_probe_reports_and_quits(tmp_path: Path) -> None:
    done = _entry("main", [str(EXAMPLE), "--no-recovery"], tmp_path, MLSD_FIRST_PAINT_PROBE="1")
    assert done.returncode == 0, done.stderr
    stamps = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("first-paint ")]
    assert len(stamps) == 1 and float(stamps[0]) > 0


def test_a_screenshot_to_dash_is_a_png_on_stdout(tmp_path: Path) -> None:
    # '-' was refused ('cannot save a picture as a name without a suffix'), where every other
    # command writes '-' to standard output.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), PYTHONPATH=str(ROOT),
               XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_DATA_HOME=str(tmp_path / "d"))
    args = [sys.executable, "-m", "app.cli", str(EXAMPLE), "--screenshot", "-", "--size", "1440x900"]
    done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    image = QImage.fromData(done.stdout, "PNG")
    assert image.size().toTuple() == (1440, 900)
    assert not (tmp_path / "-").exists()


def test_an_empty_name_for_the_design_or_the_picture_is_refused(tmp_path: Path) -> None:
    # `--screenshot ""` (an unset variable) opened the window for good instead of exiting,
    # and an empty FILE took a picture of the bundled example.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), PYTHONPATH=str(ROOT),
               XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_DATA_HOME=str(tmp_path / "d"))
    cases = (([str(EXAMPLE), "--screenshot", ""], "--screenshot"), (["", "--screenshot", "x.png"], "file"))
    for args, argument in cases:
        command = [sys.executable, "-m", "app.cli", *args]
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2
        assert f"error: argument {argument}: the file name is empty" in done.stderr
    assert list(tmp_path.glob("*.png")) == []
