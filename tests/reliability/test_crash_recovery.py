"""Guarantee 1: after a crash (SIGKILL) the next start restores exactly the last autosave.

The real app runs in a subprocess driven by tests/reliability/script_hook.py. Two windows edit, wait for
their autosaves and get SIGKILLed; the next start offers both recovery files, restores them,
and the restored designs are byte-identical to what was autosaved. The recovery files stay
until a save succeeds, and the two windows never shared a file.
"""

from __future__ import annotations

import os
import signal
import sys

import pytest

from app.persistence import design_to_bytes, load_design, recovery
from tests.reliability.app_runner import AppRun, read_dump

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

FAST_AUTOSAVE = {"MLSD_AUTOSAVE_MS": "100"}


def test_sigkill_then_restart_restores_the_last_autosave_byte_for_byte(tmp_path):
    autosaved = tmp_path / "autosaved.json"
    ready = tmp_path / "ready"
    first = AppRun(
        tmp_path,
        name="crashing",
        env=FAST_AUTOSAVE,
        steps=[
            {"op": "add_component", "kind": "model", "x": 900, "y": 100, "name": "Crash survivor A"},
            {"op": "set_meta", "field": "title", "value": "Before the crash"},
            {"op": "new_window"},
            {"op": "add_component", "kind": "dataset", "x": 0, "y": 0, "name": "Second window B"},
            {"op": "wait_autosave"},
            {"op": "dump", "path": str(autosaved)},
            {"op": "mark", "path": str(ready)},
            {"op": "wait", "ms": 120_000},
        ],
    )
    first.wait_for(ready)
    os.kill(first.process.pid, signal.SIGKILL)
    assert first.process.wait(10) == -signal.SIGKILL

    before = read_dump(autosaved)["windows"]
    assert len(before) == 2 and all(w["modified"] for w in before)
    files = {w["recovery_file"] for w in before}
    assert len(files) == 2, "two windows shared one recovery file"
    assert sorted(map(str, recovery.list_orphans())) == sorted(files)
    for window in before:  # what is on disk after the kill is exactly the last autosave
        design, original = recovery.restore(window["recovery_file"])
        assert design_to_bytes(design) == window["design_text"].encode("utf-8")
        assert original is None
    texts = {w["design_text"] for w in before}
    assert any("Crash survivor A" in t and "Before the crash" in t for t in texts)
    assert any("Second window B" in t for t in texts)

    restored, failed, saved = (tmp_path / f"{n}.json" for n in ("restored", "failed", "saved"))
    out_a, out_b = tmp_path / "a.mlsd", tmp_path / "b.mlsd"
    second = AppRun(
        tmp_path,
        name="restarted",
        env=FAST_AUTOSAVE,
        answers={"ask_restore": ["restore", "restore"]},
        steps=[
            {"op": "dump", "path": str(restored)},
            {"op": "save_as", "path": str(tmp_path / "missing-folder" / "x.mlsd"), "window": 0},
            {"op": "dump", "path": str(failed)},
            {"op": "save_as", "path": str(out_a), "window": 0},
            {"op": "save_as", "path": str(out_b), "window": 1},
            {"op": "dump", "path": str(saved)},
            {"op": "quit"},
        ],
    )
    assert second.wait() == 0, second.stderr()

    asked = second.dialog_args("ask_restore")
    assert len(asked) == 2
    assert {a[0]["title"] for a in asked} >= {"Before the crash"}
    after_restart = read_dump(restored)["windows"]
    assert {w["design_text"] for w in after_restart} == texts  # restored == last autosave, bytes
    assert all(w["modified"] and w["window_modified"] for w in after_restart)
    new_files = {w["recovery_file"] for w in after_restart}
    assert len(new_files) == 2 and not new_files & files
    assert all(w["recovery_exists"] for w in after_restart)  # protected again at once
    assert not any(os.path.exists(f) for f in files)  # the crashed session's files are replaced

    # A failed save keeps the recovery file and the unsaved marker.
    message = second.dialog_args("ask_save_failed")[0][0]
    assert "does not exist" in message and "missing-folder" in message
    still = read_dump(failed)["windows"][0]
    assert still["recovery_exists"] and still["modified"]

    # A successful save removes it; the saved file holds the restored design.
    for window in read_dump(saved)["windows"]:
        assert not window["recovery_exists"] and not window["modified"]
    saved_designs = {tuple(c.name for c in load_design(p).design.components) for p in (out_a, out_b)}
    restored_designs = {
        tuple(c.name for c in recovery_design(w["design_text"]).components) for w in after_restart
    }
    assert saved_designs == restored_designs
    assert recovery.list_orphans() == []
    assert not list(recovery.recovery_dir().glob("*" + recovery.SUFFIX))


def recovery_design(text: str):
    from app.persistence import load_design_bytes

    return load_design_bytes(text.encode("utf-8")).design


def test_later_keeps_the_recovery_file_for_the_next_start(tmp_path, builder):
    """Answering Later (or no answer at all) never deletes unsaved work."""
    from tests.ui.test_autosave import crash_leftover

    builder.add("model", "Kept for later")
    leftover = crash_leftover(builder.design)
    before = leftover.read_bytes()
    run = AppRun(tmp_path, answers={"ask_restore": ["later"]}, steps=[{"op": "quit"}])
    assert run.wait() == 0, run.stderr()
    assert len(run.dialog_args("ask_restore")) == 1
    assert leftover.read_bytes() == before
    assert recovery.list_orphans() == [leftover]
