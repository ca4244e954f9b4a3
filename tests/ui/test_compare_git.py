"""Compare with a git revision of the file, on a real repository made in a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.domain import ops
from app.persistence import load_design, save_design
from app.ui.compare import overlay, revisions, source_dialog
from app.ui.compare.revisions import GitError, file_revisions, revision_bytes, tracked_file

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed on this machine")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path, builder, catalog):
    """A repository with designs/system.mlsd committed twice: v1 (events, ranker, monitor),
    then v2 (monitor removed, a cache added). Returns (repo, path, v1 hash, v2 hash)."""
    root = tmp_path / "repo"
    (root / "designs").mkdir(parents=True)
    git(root, "init", "-q")
    path = root / "designs" / "system.mlsd"
    builder.add("data_source", "Events", id="events")
    builder.add("model", "Ranker", id="ranker")
    builder.add("monitor", "Monitor", id="monitor")
    builder.link("events", "ranker")
    save_design(builder.design, path)
    git(root, "add", "designs/system.mlsd")
    git(root, "commit", "-q", "-m", "First version")
    first = git(root, "rev-parse", "HEAD")
    design = builder.design
    ops.remove_component(design, "monitor")
    cache = ops.make_component(design, catalog, "cache", 500, 0, "Cache")
    ops.add_component(design, catalog, cache)
    save_design(design, path)
    git(root, "commit", "-q", "-am", "Cache instead of monitor")
    second = git(root, "rev-parse", "HEAD")
    (root / "other.txt").write_text("not the design\n")
    git(root, "add", "other.txt")
    git(root, "commit", "-q", "-m", "Unrelated change")
    return root, path, first, second


def test_revisions_of_the_file_and_its_bytes_then(repo):
    root, path, first, second = repo
    tracked = tracked_file(path)
    assert tracked.root == root.resolve() and tracked.relative == "designs/system.mlsd"
    found = file_revisions(path)
    assert [r.commit for r in found] == [second, first]  # newest first, unrelated commit left out
    assert found[0].subject == "Cache instead of monitor" and found[0].author == "Test"
    assert found[1].short == first[: len(found[1].short)]
    old = load_design(path)  # the working copy is v2
    assert {c.name for c in old.design.components} == {"Events", "Ranker", "Cache"}
    raw = revision_bytes(path, first)
    assert b'"Monitor"' in raw and b'"Cache"' not in raw


def test_git_failures_are_clear_messages(repo, tmp_path, monkeypatch):
    root, path, first, _second = repo
    outside = tmp_path / "loose" / "design.mlsd"
    outside.parent.mkdir()
    outside.write_text("{}")
    with pytest.raises(GitError, match="not inside a git repository"):
        file_revisions(outside)
    with pytest.raises(GitError, match="git show failed"):
        revision_bytes(path, "0" * 40)
    with pytest.raises(GitError, match="not a revision name"):
        revision_bytes(path, "--output=/tmp/x")
    git(root, "mv", "designs/system.mlsd", "designs/renamed.mlsd")
    with pytest.raises(GitError, match="git show failed"):  # the file did not exist at that path then
        revision_bytes(root / "designs" / "renamed.mlsd", first)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GitError, match="git is not installed"):
        file_revisions(path)


def test_timeout_is_reported(repo, monkeypatch):
    _root, path, _first, _second = repo

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(cmd=args[0], timeout=kwargs.get("timeout", 0))

    monkeypatch.setattr(revisions.subprocess, "run", slow)
    with pytest.raises(GitError, match="longer than 10 s"):
        file_revisions(path)


def test_compare_with_a_revision_from_the_menu(repo, windows, monkeypatch, fake_dialogs):
    root, path, first, second = repo
    window = windows()
    window.load_loaded(load_design(path))
    offered = []

    def choose(parent, found, note, directory):
        offered.append(([r.commit for r in found], note, directory))
        return ("revision", first)

    monkeypatch.setattr(source_dialog, "ask_compare_source", choose)
    window.compare.actions["compare"].trigger()
    assert offered == [([second, first], "", str(path.parent))]
    assert window.compare.is_active()
    assert window.compare.panel.title.text() == f"Comparing with system.mlsd @ {first[:7]}"
    marks = window.compare.marks()
    assert isinstance(marks[("component", "monitor")], overlay.GhostCard)
    cache_id = next(c.id for c in window.document.design.components if c.name == "Cache")
    assert marks[("component", cache_id)].action == "added"
    assert not window.document.is_modified() and window.document.undo_stack.count() == 0
    assert window.compare.leave() is None and window.compare.marks() == {}


def test_a_revision_that_cannot_be_read_is_an_error_dialog(repo, windows, fake_dialogs):
    root, path, _first, _second = repo
    good = path.read_bytes()
    path.write_text("{ broken", encoding="utf-8")
    git(root, "commit", "-q", "-am", "broken")
    broken = git(root, "rev-parse", "HEAD")
    path.write_bytes(good)
    window = windows()
    window.load_loaded(load_design(path))
    assert not window.compare.compare_revision(broken)
    assert not window.compare.compare_revision("0" * 40)
    assert not window.compare.is_active() and window.compare.marks() == {}
    errors = [args for name, args in fake_dialogs.calls if name == "show_error"]
    assert [e[1] for e in errors] == ["Cannot compare", "Cannot compare"]
    assert f"system.mlsd @ {broken[:7]}" in errors[0][2]  # names the revision read
    assert "git show failed" in errors[1][2]
