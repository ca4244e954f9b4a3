"""`mlsd check` names the file it checked in every format, whatever bytes the name holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_a_file_name_that_is_not_utf8_is_checked_without_a_traceback(tmp_path, fmt):
    if sys.platform != "linux":
        pytest.skip("file names of arbitrary bytes are a Linux thing")
    raw = os.fsencode(tmp_path) + b"/sp\xffam.mlsd"
    shutil.copyfile(ROOT / "resources" / "templates" / "spam_filter.mlsd", raw)
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8:strict")
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", os.fsdecode(raw), "--format", fmt],
        capture_output=True,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode("utf-8")
    assert ("sp%FFam.mlsd" if fmt == "sarif" else "sp\ufffdam.mlsd") in out  # SARIF: a URI of its bytes
    if fmt != "text":
        json.loads(out)


@pytest.mark.parametrize("command", [["estimate", "{f}"], ["diff", "{f}", "{f}"]], ids=lambda c: c[0])
def test_json_output_naming_a_file_that_is_not_utf8_is_utf8(tmp_path, command):
    """`estimate --format json` and `diff --format json` wrote the name's raw byte 0xFF into the
    JSON (invalid UTF-8: a strict reader refuses it); `check` wrote U+FFFD."""
    if sys.platform != "linux":
        pytest.skip("file names of arbitrary bytes are a Linux thing")
    raw = os.fsencode(tmp_path) + b"/sp\xffam.mlsd"
    shutil.copyfile(ROOT / "resources" / "templates" / "spam_filter.mlsd", raw)
    args = [os.fsdecode(raw) if part == "{f}" else part for part in command]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args, "--format", "json"], capture_output=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    data = json.loads(done.stdout.decode("utf-8"))  # strict UTF-8
    assert data.get("file", data.get("old", "")).endswith("sp\ufffdam.mlsd")


HOSTILE_NAME = "evil\u202egnp\nsecond line\x1b[31m.mlsd"
SHOWN = "evil\\u202egnp\\nsecond line\\x1b[31m.mlsd"


def _mlsd(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [["check", HOSTILE_NAME], ["migrate", HOSTILE_NAME], ["new", "--template", "spam_filter", HOSTILE_NAME]],
    ids=["missing", "missing-migrate", "exists"],
)
def test_a_name_with_a_newline_or_bidi_control_stays_one_escaped_line_in_errors(tmp_path, args):
    # The name was printed as it is: a two-line error, its line reordered by the U+202E and
    # coloured by the escape sequence.
    if args[0] == "new":
        (tmp_path / HOSTILE_NAME).write_text("{}")
    done = _mlsd(args, tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"mlsd: {SHOWN}: ")
    assert "\u202e" not in done.stderr and "\x1b" not in done.stderr


def test_a_name_with_a_newline_or_bidi_control_is_escaped_in_headers(tmp_path):
    shutil.copyfile(ROOT / "resources" / "templates" / "spam_filter.mlsd", tmp_path / HOSTILE_NAME)
    for args in (["check", HOSTILE_NAME], ["diff", HOSTILE_NAME, HOSTILE_NAME], ["estimate", HOSTILE_NAME]):
        done = _mlsd(args, tmp_path)
        first = done.stdout.splitlines()[0]
        assert SHOWN in first, (args, first)
        assert "\u202e" not in done.stdout and "\x1b" not in done.stdout
    exported = _mlsd(["export", HOSTILE_NAME, "--dot", HOSTILE_NAME + ".dot"], tmp_path)
    assert exported.stderr.startswith(f"mlsd: wrote {SHOWN}.dot (dot, ") and exported.stderr.count("\n") == 1
    assert (tmp_path / (HOSTILE_NAME + ".dot")).is_file()  # the file itself has its real name


def test_a_folder_name_with_a_newline_or_escape_stays_one_escaped_line_in_save_errors(tmp_path):
    # The save error's problem named the missing folder as it is: after the escaped file name
    # came a second line, coloured red by the escape sequence.
    done = _mlsd(["new", f"{HOSTILE_NAME}/design.mlsd"], tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.rstrip("\n").endswith(f"the folder {SHOWN} does not exist")
    assert "\u202e" not in done.stderr and "\x1b" not in done.stderr
