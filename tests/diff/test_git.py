"""git integration on real repositories in a temporary folder: textconv diff and the merge driver."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.diff.git import ATTRIBUTES_LINE, GitSetupError, git_setup
from app.domain.model import Component, Design
from app.persistence import design_to_bytes, load_design, save_design
from tests.factories import DesignBuilder

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
FILE = "system.mlsd"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Tester",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="Tester",
        GIT_COMMITTER_EMAIL="t@example.com",
        PYTHONPATH=str(ROOT),  # the driver runs this checkout's mlsd
    )
    return env


class Repo:
    def __init__(self, path: Path):
        self.path = path
        self.env = _env(path.parent)

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=self.env, capture_output=True, text=True, timeout=120
        )
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)}: {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def save(self, design: Design) -> None:
        save_design(design, self.path / FILE, touch_modified=False)

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def design(self) -> Design:
        return load_design(self.path / FILE).design


@pytest.fixture
def repo(tmp_path, catalog) -> Repo:
    path = tmp_path / "repo"
    path.mkdir()
    r = Repo(path)
    r.git("init", "-q", "-b", "main")
    command = f"{shlex.quote(sys.executable)} -m app"
    assert main(["git-setup", str(path), "--command", command]) == 0
    b = DesignBuilder(catalog, title="Recommender")
    b.add("feature_store", "Features", id="store", online_latency_ms=5.0)
    b.add("model", "Ranker", id="ranker", p99_latency_ms=50.0)
    b.add("endpoint", "API", id="api", latency_slo_ms=100.0)
    b.link("store", "ranker")
    b.link("ranker", "api")
    b.design.meta.modified = "2026-01-01T00:00:00+00:00"
    r.save(b.design)
    r.commit("base")
    return r


def _changed_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_git_setup_is_idempotent_and_repo_local(repo, capsys):
    assert main(["git-setup", str(repo.path), "--command", "mlsd"]) == 0
    lines = (repo.path / ".gitattributes").read_text().splitlines()
    assert lines.count(ATTRIBUTES_LINE) == 1
    assert repo.git("config", "--local", "diff.mlsd.textconv").stdout.strip() == "mlsd textconv"
    driver = repo.git("config", "--local", "merge.mlsd.driver").stdout.strip()
    assert driver == "mlsd merge %O %A %B --name %P"
    assert "already has" in capsys.readouterr().out


def test_git_setup_outside_a_repository_fails_cleanly(tmp_path, capsys):
    lonely = tmp_path / "not_a_repo"
    lonely.mkdir()
    env = _env(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "app", "git-setup", str(lonely)],
        env={**env, "GIT_CEILING_DIRECTORIES": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "not a git repository" in done.stderr.lower()


def test_git_diff_of_a_property_edit_shows_one_meaningful_line(repo):
    design = repo.design()
    design.component_by_id()["ranker"].properties["p99_latency_ms"] = 80.0
    save_design(design, repo.path / FILE)  # stamps meta.modified, as the window does
    assert _changed_lines(repo.git("diff").stdout) == [
        "-component ranker properties.p99_latency_ms = 50.0",
        "+component ranker properties.p99_latency_ms = 80.0",
    ]
    raw = _changed_lines(repo.git("diff", "--no-textconv").stdout)
    assert len(raw) == 4 and all(
        '"modified"' in line or '"p99_latency_ms": 80.0' in line or '"p99_latency_ms": 50.0' in line
        for line in raw
    )


def test_branches_changing_different_components_merge_cleanly(repo):
    base = repo.design()
    repo.git("checkout", "-q", "-b", "theirs")
    theirs = repo.design()
    theirs.component_by_id()["ranker"].properties["p99_latency_ms"] = 80.0
    theirs.components.append(Component(id="cache", kind="cache", name="Feature cache"))
    repo.save(theirs)
    repo.commit("theirs: faster ranker and a cache")
    repo.git("checkout", "-q", "main")
    ours = repo.design()
    ours.component_by_id()["api"].name = "Public API"
    ours.components.append(Component(id="monitor", kind="monitor", name="Drift monitor"))
    repo.save(ours)
    repo.commit("ours: API name and a monitor")
    # Both sides append to the components array: git's line merge conflicts here; the driver does not.
    merged = repo.git("merge", "-q", "--no-edit", "theirs")
    assert merged.returncode == 0, merged.stderr

    expected = base.model_copy(deep=True)
    expected.invalidate_indexes()
    expected.component_by_id()["ranker"].properties["p99_latency_ms"] = 80.0
    expected.component_by_id()["api"].name = "Public API"
    expected.components += [
        Component(id="monitor", kind="monitor", name="Drift monitor"),
        Component(id="cache", kind="cache", name="Feature cache"),
    ]
    assert repo.design().to_json_data() == expected.to_json_data()
    assert (repo.path / FILE).read_bytes() == design_to_bytes(expected)


def test_the_same_field_changed_on_both_branches_is_a_conflict_that_keeps_ours(repo):
    repo.git("checkout", "-q", "-b", "theirs")
    theirs = repo.design()
    theirs.component_by_id()["ranker"].properties["p99_latency_ms"] = 60.0
    theirs.component_by_id()["store"].name = "Online features"
    repo.save(theirs)
    repo.commit("theirs")
    repo.git("checkout", "-q", "main")
    ours = repo.design()
    ours.component_by_id()["ranker"].properties["p99_latency_ms"] = 80.0
    repo.save(ours)
    repo.commit("ours")
    merged = repo.git("merge", "--no-edit", "theirs", check=False)
    assert merged.returncode == 1
    out = merged.stdout + merged.stderr
    assert (
        "component ranker properties.p99_latency_ms: base 50 ms, ours 80 ms, theirs 60 ms; kept ours" in out
    )
    assert "CONFLICT" in out
    result = repo.design()  # the merged file loads
    assert result.component_by_id()["ranker"].properties["p99_latency_ms"] == 80.0
    assert result.component_by_id()["store"].name == "Online features"  # the clean part merged
    assert FILE in repo.git("diff", "--name-only", "--diff-filter=U").stdout


def test_a_side_with_a_syntax_error_fails_cleanly_and_leaves_git_conflict_handling(repo):
    repo.git("checkout", "-q", "-b", "theirs")
    (repo.path / FILE).write_text((repo.path / FILE).read_text().replace('"Ranker"', '"Ranker",,'))
    repo.commit("theirs: a broken file")
    repo.git("checkout", "-q", "main")
    ours = repo.design()
    ours.meta.title = "Ours"
    repo.save(ours)
    repo.commit("ours")
    ours_bytes = (repo.path / FILE).read_bytes()
    merged = repo.git("merge", "--no-edit", "theirs", check=False)
    assert merged.returncode != 0
    out = merged.stdout + merged.stderr
    assert "theirs side is not a readable design" in out and "Traceback" not in out
    assert (repo.path / FILE).read_bytes() == ours_bytes  # %A untouched
    stages = {line.split()[2] for line in repo.git("ls-files", "-u", FILE).stdout.splitlines()}
    assert stages == {"1", "2", "3"}  # git's own conflict state, ready for checkout --theirs etc.
    repo.git("checkout", "--theirs", FILE)
    assert '"Ranker",,' in (repo.path / FILE).read_text()


def test_both_branches_adding_the_file_merge_with_an_empty_base(repo):
    first = repo.design()
    repo.git("checkout", "-q", "-b", "theirs")
    theirs = first.model_copy(deep=True)
    theirs.component_by_id()["ranker"].name = "Theirs"
    save_design(theirs, repo.path / "new.mlsd", touch_modified=False)
    repo.commit("theirs adds new.mlsd")
    repo.git("checkout", "-q", "main")
    ours = first.model_copy(deep=True)
    ours.component_by_id()["ranker"].name = "Ours"
    save_design(ours, repo.path / "new.mlsd", touch_modified=False)
    repo.commit("ours adds new.mlsd")
    merged = repo.git("merge", "--no-edit", "theirs", check=False)
    assert merged.returncode == 1
    assert "component ranker name: base absent, ours 'Ours', theirs 'Theirs'; kept ours" in merged.stderr
    assert load_design(repo.path / "new.mlsd").design.component_by_id()["ranker"].name == "Ours"


def test_the_configured_command_is_the_mlsd_that_ran(tmp_path, monkeypatch):
    from app.diff import git as gitmod

    script = tmp_path / "bin dir" / "mlsd"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "argv", [str(script), "git-setup"])
    assert gitmod.mlsd_command() == shlex.quote(str(script.resolve()))
    monkeypatch.setattr(sys, "argv", ["/somewhere/app/cli.py"])
    monkeypatch.setattr(gitmod.shutil, "which", lambda name: None)
    assert gitmod.mlsd_command() == f"{shlex.quote(sys.executable)} -m app"


def test_gitattributes_is_replaced_whole_or_not_at_all_and_keeps_its_line_ends(
    tmp_path, monkeypatch, capsys
):
    """`git-setup` rewrote .gitattributes in place: a write failing half-way (a full disk) left
    the user's attributes cut short. A CRLF file got one LF line among its CRLF ones."""
    path = tmp_path / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True, timeout=60)
    attributes = path / ".gitattributes"
    attributes.write_bytes(b"*.txt text\r\n*.png binary")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("app.persistence.atomic.os.fsync", full_disk)
        assert main(["git-setup", str(path), "--command", "mlsd"]) == 2
    assert attributes.read_bytes() == b"*.txt text\r\n*.png binary"
    err = capsys.readouterr().err
    full = "the disk is full; nothing was changed. Free some space or save elsewhere"
    assert err == f"mlsd git-setup: {attributes}: {full}\n"
    assert main(["git-setup", str(path), "--command", "mlsd"]) == 0
    assert attributes.read_bytes() == b"*.txt text\r\n*.png binary\r\n" + ATTRIBUTES_LINE.encode() + b"\r\n"
    assert [p.name for p in path.iterdir() if p.name.startswith(".gitattributes")] == [".gitattributes"]


@pytest.mark.parametrize(
    ("command", "problem"),
    [("", "the command is empty"), ("   ", "the command is empty"), ("mlsd\nrm x", "line break")],
    ids=["empty", "blank", "two lines"],
)
def test_git_setup_refuses_a_command_git_cannot_run_and_writes_nothing(tmp_path, command, problem):
    """`--command ""` fell back to the default command silently: the user asked for one and got
    another. It is refused (exit 2, the option and the problem named) before anything is written."""
    path = tmp_path / "repo"
    path.mkdir()
    r = Repo(path)
    r.git("init", "-q", "-b", "main")
    done = subprocess.run(
        [sys.executable, "-m", "app", "git-setup", str(path), "--command", command],
        env=r.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("mlsd git-setup: error: argument --command: ") and problem in last, done.stderr
    assert not (path / ".gitattributes").exists()
    assert "mlsd" not in r.git("config", "--local", "--list").stdout
    with pytest.raises(GitSetupError, match=f"--command: .*{problem}"):
        git_setup(path, command=command)
    assert not (path / ".gitattributes").exists()
