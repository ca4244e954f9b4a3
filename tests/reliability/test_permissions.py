"""Guarantee 4: a folder or file the user may not write: a clear error, Save As offered, nothing lost.

Root ignores permissions, so as root the app drops to the unprivileged user "nobody" (65534)
once its window is up (the interpreter may live where nobody cannot read, so it is started
as root and the script's first step drops privileges); as any other user the folder and file
permissions alone create the condition. The folders live in a world-readable temp folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.persistence import load_design, save_design
from app.persistence.atomic import TEMP_MARK
from tests.reliability.app_runner import AppRun, read_dump

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")

NOBODY = 65534


def can_drop_privileges() -> bool:
    code = f"import os; os.setgroups([]); os.setgid({NOBODY}); os.setuid({NOBODY})"
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


@pytest.fixture
def places(builder):
    """locked/ (not writable; its design.mlsd is), open/ with a read-only ro.mlsd, mine/ writable."""
    base = Path(tempfile.mkdtemp(prefix="mlsd-perm-", dir="/tmp"))
    os.chmod(base, 0o755)
    names = {"locked": 0o755, "open": 0o777, "mine": 0o777, "data": 0o777, "home": 0o777, "reports": 0o777}
    folders = {}
    for name, mode in names.items():
        folders[name] = base / name
        folders[name].mkdir()
        os.chmod(folders[name], mode)
    builder.add("data_source", "Events")
    builder.add("model", "Ranker")
    save_design(builder.design, folders["locked"] / "design.mlsd")
    os.chmod(folders["locked"] / "design.mlsd", 0o666)
    save_design(builder.design, folders["open"] / "ro.mlsd")
    os.chmod(folders["open"] / "ro.mlsd", 0o444)
    if os.geteuid() != 0:
        os.chmod(folders["locked"], 0o555)
        if os.access(folders["locked"], os.W_OK):
            pytest.skip("cannot make a folder read-only for this user")
    elif not can_drop_privileges():
        pytest.skip("running as root without the right to become another user")
    try:
        yield folders
    finally:
        os.chmod(folders["locked"], 0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_permission_denied_offers_save_as_and_loses_nothing(places):
    locked, ro = places["locked"] / "design.mlsd", places["open"] / "ro.mlsd"
    locked_before, ro_before = locked.read_bytes(), ro.read_bytes()
    rescued = places["mine"] / "rescued.mlsd"
    state = places["reports"] / "state.json"
    steps = [] if os.geteuid() != 0 else [{"op": "drop_privileges", "uid": NOBODY, "gid": NOBODY}]
    steps += [
        {"op": "set_meta", "field": "title", "value": "Mine, unsaved"},
        {"op": "save"},  # locked folder -> Save As -> another locked place -> Save As -> mine/
        {"op": "open", "path": str(ro)},
        {"op": "set_meta", "field": "title", "value": "Edited read-only file"},
        {"op": "save"},  # read-only file -> Cancel: the edit stays in the window
        {"op": "dump", "path": str(state)},
        {"op": "exit"},
    ]
    run = AppRun(
        places["reports"],
        args=[str(locked), "--no-recovery"],
        env={
            "MLSD_STUDIO_DATA_DIR": str(places["data"]),
            "XDG_CONFIG_HOME": str(places["home"] / "config"),
            "HOME": str(places["home"]),
        },
        answers={
            "ask_save_failed": ["save_as", "save_as", "cancel"],
            "get_save_path": [str(places["locked"] / "other.mlsd"), str(rescued)],
        },
        steps=steps,
    )
    assert run.wait() == 0, run.stderr()
    failures = [args[0] for args in run.dialog_args("ask_save_failed")]
    assert len(failures) == 3
    for message in failures[:2]:
        assert f"permission denied in {places['locked']}; nothing was changed. Use Save As" in message
    assert "permission denied: the file is read-only; nothing was changed. Use Save As" in failures[2]
    assert str(ro) in failures[2]
    assert len(run.dialog_args("get_save_path")) == 2  # Save As was offered after each failure

    assert locked.read_bytes() == locked_before and ro.read_bytes() == ro_before
    assert not (places["locked"] / "other.mlsd").exists()
    assert load_design(rescued).design.meta.title == "Mine, unsaved"
    first, second = read_dump(state)["windows"]
    assert first["path"] == str(rescued) and not first["modified"]
    assert second["path"] == str(ro) and second["modified"] and second["window_modified"]
    assert '"title": "Edited read-only file"' in second["design_text"]
    for folder in places.values():
        assert not [p for p in folder.iterdir() if p.name.endswith(TEMP_MARK)]
    assert "Traceback" not in run.stderr()
