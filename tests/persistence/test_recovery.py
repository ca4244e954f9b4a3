"""Recovery files: one per session, orphans of dead processes, restore through the loader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.domain.model import Design
from app.persistence import DesignLoadError, recovery


def dead_pid() -> int:
    """The pid of a process that has already exited."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def rewrite_pid(path: Path, pid: int) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["pid"] = pid
    path.write_text(json.dumps(data), encoding="utf-8")


def test_data_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MLSD_STUDIO_DATA_DIR", str(tmp_path / "data"))
    assert recovery.user_data_dir() == tmp_path / "data"
    assert recovery.recovery_dir() == tmp_path / "data" / "recovery"
    monkeypatch.delenv("MLSD_STUDIO_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert recovery.user_data_dir() == tmp_path / "xdg" / "mlsd-studio"


def test_write_gives_each_session_its_own_file_in_the_documented_format(builder):
    builder.add("data_source", "Events")
    a, b = recovery.new_session_id(), recovery.new_session_id()
    assert a != b
    path_a = recovery.write_recovery(a, builder.design, "/tmp/x.mlsd", (10, 20))
    path_b = recovery.write_recovery(b, Design())
    assert path_a != path_b and path_a.name == f"{a}.mlsd-recovery"
    data = json.loads(path_a.read_text(encoding="utf-8"))
    assert data["format"] == "mlsd-studio/recovery"
    assert data["version"] == 1
    assert data["pid"] == os.getpid()
    assert data["original_path"] == "/tmp/x.mlsd"
    assert data["title"] == builder.design.meta.title
    assert data["design"]["components"][0]["name"] == "Events"
    assert json.loads(path_b.read_text(encoding="utf-8"))["original_path"] is None
    assert not list(path_a.parent.glob("*.mlsd-tmp"))


def test_list_orphans_finds_only_files_of_dead_processes(builder):
    live = recovery.write_recovery(recovery.new_session_id(), builder.design)
    crashed = recovery.write_recovery(recovery.new_session_id(), builder.design, "/somewhere/d.mlsd", (1, 2))
    rewrite_pid(crashed, dead_pid())
    orphans = recovery.list_orphans()
    assert orphans == [crashed]
    assert live not in orphans
    info = recovery.read_info(crashed)
    assert info.original_path == "/somewhere/d.mlsd"
    assert info.disk_signature == (1, 2)
    assert info.display_name() == "d.mlsd"
    assert info.problem is None


def test_restore_validates_through_the_loader_and_discard_removes(builder):
    source = builder.add("data_source", "Events")
    model = builder.add("model", "Ranker")
    builder.link(source, model)
    path = recovery.write_recovery(recovery.new_session_id(), builder.design, "/d/design.mlsd")
    design, original = recovery.restore(path)
    assert original == "/d/design.mlsd"
    assert [c.name for c in design.components] == ["Events", "Ranker"]
    assert len(design.links) == 1
    recovery.discard(path)
    assert not path.exists()
    recovery.discard(path)  # already gone is fine


def test_damaged_recovery_file_is_an_orphan_that_cannot_be_restored():
    folder = recovery.recovery_dir()
    folder.mkdir(parents=True)
    broken = folder / "0123.mlsd-recovery"
    broken.write_bytes(b'{"format": "mlsd-studio/recovery", "version": 1, "design": ')
    assert recovery.list_orphans() == [broken]
    assert recovery.read_info(broken).problem
    with pytest.raises(DesignLoadError):
        recovery.restore(broken)


def test_restore_rejects_an_invalid_design(builder):
    path = recovery.write_recovery(recovery.new_session_id(), builder.design)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["design"]["components"] = [{"id": "a", "kind": "model"}, {"id": "a", "kind": "model"}]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DesignLoadError, match="duplicate component id"):
        recovery.restore(path)


def test_recovery_module_does_not_import_qt():
    code = "import sys, app.persistence.recovery; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "False"


def test_temp_files_of_killed_autosaves_are_cleaned_when_looking_for_orphans(builder):
    from app.persistence.atomic import TEMP_MARK

    kept = recovery.write_recovery(recovery.new_session_id(), builder.design)
    stale = kept.parent / f".{kept.name}.{dead_pid()}-beef{TEMP_MARK}"
    stale.write_bytes(b'{"format": "mlsd-studio/recov')
    recovery.list_orphans()
    assert not stale.exists() and kept.exists()
