"""`mlsd git-setup`: make git diff and merge .mlsd files by meaning, in one repository.

Writes `*.mlsd diff=mlsd merge=mlsd` to the repository's .gitattributes (once) and sets, in
the repository's own config (.git/config, not the user's global one):

    diff.mlsd.textconv = <mlsd> textconv
    merge.mlsd.name    = MLSD Studio design merge
    merge.mlsd.driver  = <mlsd> merge %O %A %B --name %P

<mlsd> is the command that ran git-setup (an installed `mlsd`, else `mlsd` on PATH, else this
Python with `-m app`), written as an absolute path so git finds it whatever PATH it runs with.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from app.persistence.atomic import atomic_write_bytes
from app.persistence.errors import DesignSaveError, display_path

ATTRIBUTES_LINE = "*.mlsd diff=mlsd merge=mlsd"
GIT_TIMEOUT_S = 30


class GitSetupError(Exception):
    """git-setup could not finish; str() is one line for the user."""


def mlsd_command() -> str:
    """The shell words that run this MLSD Studio's `mlsd`."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name in ("mlsd", "mlsd.exe") and argv0.exists():
        return shlex.quote(str(argv0.resolve()))
    found = shutil.which("mlsd")
    if found:
        return shlex.quote(str(Path(found).resolve()))
    return f"{shlex.quote(sys.executable)} -m app"


def _git(repo: Path, *args: str) -> str:
    if shutil.which("git") is None:
        raise GitSetupError("git is not installed (or not on PATH)")
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitSetupError(f"git {' '.join(args)} failed: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise GitSetupError(f"{repo}: git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout


def repository_root(path: str | Path) -> Path:
    repo = Path(path)
    if not repo.is_dir():
        raise GitSetupError(f"{repo}: no such folder")
    return Path(_git(repo, "rev-parse", "--show-toplevel").strip())


def add_attributes(root: Path) -> bool:
    """Append the attributes line to .gitattributes unless it is there; True if written.

    The file is replaced atomically (a failed write leaves the user's attributes as they
    were, not cut short) and the line ends as the file's lines do (CRLF or LF)."""
    path = root / ".gitattributes"
    try:
        data = path.read_bytes() if path.exists() else b""
        text = data.decode("utf-8")
    except OSError as exc:
        raise GitSetupError(f"{display_path(path)}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise GitSetupError(f"{display_path(path)}: cannot read: not UTF-8 (byte {exc.start})") from None
    if any(line.split() == ATTRIBUTES_LINE.split() for line in text.splitlines()):
        return False
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith("\n"):
        text += newline
    try:
        atomic_write_bytes(path, (text + ATTRIBUTES_LINE + newline).encode("utf-8"))
    except DesignSaveError as exc:
        raise GitSetupError(exc.command_line_message()) from None
    return True


def command_problem(command: str) -> str | None:
    """Why `command` cannot be how git runs mlsd (None: it can)."""
    if not command.strip():
        return "the command is empty (leave --command out to use the mlsd that runs git-setup)"
    if "\n" in command or "\r" in command:
        return "the command holds a line break (git runs it as one shell line)"
    return None


def git_setup(repo: str | Path = ".", command: str | None = None) -> list[str]:
    """Configure the repository; returns what was done, one line each. A `command` given is
    used as it is, never replaced by the default: an empty one is refused before anything is
    written."""
    if command is not None and (problem := command_problem(command)) is not None:
        raise GitSetupError(f"--command: {problem}")
    root = repository_root(repo)
    mlsd = command if command is not None else mlsd_command()
    done = [
        f"{root / '.gitattributes'}: "
        + ("added " if add_attributes(root) else "already has ")
        + repr(ATTRIBUTES_LINE)
    ]
    settings = {
        "diff.mlsd.textconv": f"{mlsd} textconv",
        "merge.mlsd.name": "MLSD Studio design merge",
        "merge.mlsd.driver": f"{mlsd} merge %O %A %B --name %P",
    }
    for key, value in settings.items():
        _git(root, "config", "--local", key, value)
        done.append(f"git config {key} {value!r}")
    return done
