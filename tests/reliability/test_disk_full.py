"""Guarantee 3: a save that runs out of space changes nothing and says so.

Two ways to run out: the process file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) on the real
app in a subprocess, which works unprivileged everywhere; and, where the test may mount one
(root in a container), a real 256 KB tmpfs that fills up (ENOSPC) under an in-process window.
Either way: an error dialog with the reason, the original file byte-identical, no temp file
left, and the document still marked unsaved.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.persistence import save_design
from app.persistence.atomic import TEMP_MARK
from tests.reliability.app_runner import AppRun, read_dump

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX limits and mounts")

BIG_TEXT = "A long problem statement. " * 80_000  # about 2 MB


def small_design_file(folder: Path, builder) -> Path:
    builder.add("data_source", "Events")
    builder.add("model", "Ranker")
    path = folder / "design.mlsd"
    save_design(builder.design, path)
    return path


def limit_file_size() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))


def test_file_size_limit_on_save_from_the_app(tmp_path, builder):
    path = small_design_file(tmp_path, builder)
    original = path.read_bytes()
    state = tmp_path / "state.json"
    run = AppRun(
        tmp_path / "run",
        args=[str(path), "--no-recovery"],
        preexec_fn=limit_file_size,
        steps=[
            {"op": "wait_loaded"},
            {"op": "set_meta", "field": "problem", "value": BIG_TEXT},
            {"op": "save"},
            {"op": "dump", "path": str(state), "design": False},
            {"op": "exit"},
        ],
    )
    assert run.wait() == 0, run.stderr()
    (message,) = run.dialog_args("ask_save_failed")[0]
    assert str(path) in message
    assert "larger than this system allows; nothing was changed" in message
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(TEMP_MARK)] == []
    window = read_dump(state)["windows"][0]
    assert window["modified"] and window["window_modified"]
    assert window["status"].startswith("Not saved:")
    assert "Traceback" not in run.stderr()


@pytest.fixture
def tiny_filesystem():
    """A 256 KB tmpfs, or a skip where mounting is not allowed."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    folder = Path(tempfile.mkdtemp(prefix="mlsd-tiny-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)
        folder.rmdir()


def test_disk_full_on_save_from_the_window(windows, fake_dialogs, tiny_filesystem, builder):
    path = small_design_file(tiny_filesystem, builder)
    original = path.read_bytes()
    window = windows()
    window.files.open(path)
    window.document.set_meta_field("problem", BIG_TEXT)
    undo_count = window.document.undo_stack.count()
    fake_dialogs.answer("ask_save_failed", "cancel")
    assert window.files.save() is False
    (message,) = fake_dialogs.args("ask_save_failed")[1:]
    assert "the disk is full; nothing was changed" in message
    assert path.read_bytes() == original
    assert sorted(p.name for p in tiny_filesystem.iterdir()) == ["design.mlsd"]  # no temp file
    assert window.document.is_modified() and window.isWindowModified()
    assert window.document.undo_stack.count() == undo_count
    assert window.document.design.meta.problem == BIG_TEXT  # nothing of the edit was lost
