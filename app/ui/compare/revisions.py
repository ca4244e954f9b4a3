"""Earlier versions of a design file from git: the commits that touched it and its bytes then.

git runs as a child process without a shell, with a timeout, in the repository's top folder,
never prompting (GIT_TERMINAL_PROMPT=0). Every failure (git missing, not a repository, a
revision without the file, a timeout) becomes a GitError with a message for the user.
No Qt here.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from app.persistence.loader import MAX_FILE_BYTES

GIT_TIMEOUT = 10.0  # seconds for one git command
REVISION_LIMIT = 50  # commits listed for a file
_FIELD, _RECORD = "\x1f", "\x1e"
_SAFE_REVISION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/~^@{}-]*$")


class GitError(Exception):
    """git could not answer: the message says why, in words for the user."""


@dataclass(frozen=True)
class Revision:
    """One commit that changed the file."""

    commit: str  # full hash
    short: str
    date: str  # YYYY-MM-DD
    author: str
    subject: str

    def label(self) -> str:
        return f"{self.short}  {self.date}  {self.author}: {self.subject}"


@dataclass(frozen=True)
class TrackedFile:
    """A file inside a git work tree: the repository's top folder and the file's path in it."""

    root: Path
    relative: str  # with forward slashes, as `git show REV:PATH` wants it


def _run(args: list[str], cwd: Path, timeout: float = GIT_TIMEOUT) -> bytes:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (no `git` program on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {timeout:g} s and was stopped") from None
    except OSError as exc:
        raise GitError(f"git could not be run: {exc.strerror or exc}") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit status {done.returncode}"
        raise GitError(f"git {args[0]} failed: {reason}")
    return done.stdout


def tracked_file(path: str | Path) -> TrackedFile:
    """Where `path` sits in its git repository; GitError when it is not inside one."""
    path = Path(path).resolve()
    folder = path.parent
    if not folder.is_dir():
        raise GitError(f"{folder} does not exist")
    try:
        out = _run(["rev-parse", "--show-toplevel"], folder)
    except GitError as exc:
        if "not a git repository" in str(exc):
            raise GitError(f"{path.name} is not inside a git repository") from None
        raise
    root = Path(out.decode("utf-8", "replace").strip()).resolve()
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        raise GitError(f"{path} is outside the repository at {root}") from None
    return TrackedFile(root, relative)


def file_revisions(path: str | Path, limit: int = REVISION_LIMIT) -> list[Revision]:
    """The most recent commits (newest first) that changed the file; empty when none did."""
    tracked = tracked_file(path)
    fmt = _FIELD.join(("%H", "%h", "%ad", "%an", "%s")) + _RECORD
    out = _run(
        ["log", f"-n{int(limit)}", "--date=short", f"--format={fmt}", "--", tracked.relative],
        tracked.root,
    )
    revisions = []
    for record in out.decode("utf-8", "replace").split(_RECORD):
        fields = record.strip("\n").split(_FIELD)
        if len(fields) == 5:
            revisions.append(Revision(*fields))
    return revisions


def revision_bytes(path: str | Path, revision: str) -> bytes:
    """The file's contents at `revision` (`git show REV:PATH`)."""
    if not _SAFE_REVISION.match(revision):
        raise GitError(f"{revision!r} is not a revision name")
    tracked = tracked_file(path)
    data = _run(["show", f"{revision}:{tracked.relative}"], tracked.root)
    if len(data) > MAX_FILE_BYTES:
        raise GitError(f"{tracked.relative} at {revision[:12]} is over the size limit for design files")
    return data


def describe(path: str | Path, revision: str) -> str:
    """How the window names a revision of the file: `name.mlsd @ abc1234`."""
    return f"{Path(path).name} @ {revision[:7]}"
