"""Atomic file writes: the file on disk is always the old or the new content, never a mix."""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import sys
import time
from pathlib import Path

from app.persistence.errors import WINDOW_HINTS, DesignSaveError, display_path

TEMP_MARK = ".mlsd-tmp"
PICK_ANOTHER_PLACE, SAVE_AS = WINDOW_HINTS
STDOUT = "-"  # as the name of an output (never of an input): the standard output


def temp_name_for(target: Path) -> Path:
    # At most 96 bytes of the target's name, so a name near the file system's limit of 255
    # bytes still has a temporary name that fits.
    stem = os.fsencode(target.name)[:96].decode("utf-8", "ignore") or "x"
    return target.with_name(f".{stem}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_MARK}")


def atomic_write_bytes(target: str | Path, data: bytes) -> None:
    """Write `data` to `target` through a temp file in the same folder, fsync, and rename
    (a pipe or character device is written to as it is; a name of one of our own descriptors,
    such as /dev/stdout when the shell redirected it to a file, is written to that descriptor).

    On any failure the temp file is removed, `target` is untouched and DesignSaveError says why.
    """
    _refuse_folder_name(target)
    target = Path(target)
    descriptor = _own_descriptor(target)
    if descriptor is not None:
        _write_descriptor(target, descriptor, data)
        return
    if _is_stream(target):
        _write_stream(target, data)
        return
    if target.is_symlink():  # write the file the link points to; the link stays a link
        target = Path(os.path.realpath(target))
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise DesignSaveError(target, "is a folder")
    if target.exists() and not os.access(target, os.W_OK):
        # The rename below would replace a file we may not write; respect its permissions.
        raise DesignSaveError(
            target, f"permission denied: the file is read-only; nothing was changed{SAVE_AS}"
        )
    temp = temp_name_for(target)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as exc:
        raise DesignSaveError(target, _describe(exc, folder)) from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if os.path.getsize(temp) != len(data):
            raise OSError(errno.EIO, "written size does not match")
        _copy_mode(target, temp)
        os.replace(temp, target)
    except BaseException as exc:
        _remove_quietly(temp)
        if isinstance(exc, OSError):
            raise DesignSaveError(target, _describe(exc, folder)) from None
        raise
    _fsync_folder(folder)


def write_output(target: str | Path, data: bytes) -> None:
    """Write `data` to standard output when target is STDOUT ('-'), else atomically to the file."""
    if os.fspath(target) != STDOUT:
        atomic_write_bytes(target, data)
        return
    sys.stdout.flush()  # what it holds was meant to come first
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def refuse_unwritable(target: str | Path) -> None:
    """Raise the DesignSaveError that writing `target` would (its folder missing, not a folder
    or taking no new file, a folder under its name, a read-only file), so a command writing
    several files refuses before writing any of them. Whether the folder takes a file is tried
    with an empty temp file, removed at once: permissions, a read-only file system and /proc
    show only then."""
    if os.fspath(target) == STDOUT:
        return
    _refuse_folder_name(target)
    target = Path(target)
    if _own_descriptor(target) is not None or _is_stream(target):
        return
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise DesignSaveError(target, "is a folder")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        code = errno.ENOTDIR if folder.exists() else errno.ENOENT
        raise DesignSaveError(target, _describe(OSError(code, os.strerror(code)), folder))
    if target.exists() and not os.access(target, os.W_OK):
        raise DesignSaveError(
            target, f"permission denied: the file is read-only; nothing was changed{SAVE_AS}"
        )
    probe = temp_name_for(target)
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except OSError as exc:
        raise DesignSaveError(target, _describe(exc, folder)) from None
    _remove_quietly(probe)


def _refuse_folder_name(target: str | Path) -> None:
    """A name ending in a slash is a folder's ('out/'): Path() drops the slash, and a file
    'out' was written where the user meant a folder."""
    name = os.fspath(target)
    if name.endswith(("/", os.sep)) and name.strip("/" + os.sep):
        raise DesignSaveError(name, "ends in a slash, so it names a folder; give a file name")


def _is_stream(target: Path) -> bool:
    """Whether target (after its links) is a pipe or character device: renaming a file over it
    would replace `/dev/stdout`'s terminal or a named pipe instead of writing to it."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return False
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return True
    raise DesignSaveError(target, "is not a regular file (a block device or socket); nothing was written")


_STANDARD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
_DESCRIPTOR_PATH = re.compile(r"/(?:dev|proc/(?:self|thread-self|(\d+)(?:/task/\d+)?))/fd/(\d+)")


def _own_descriptor(target: Path) -> int | None:
    """The descriptor of ours that target names (/dev/stdout, /dev/fd/N, /proc/self/fd/N, or a
    link to one of them), if any. Opening or replacing such a name would truncate or swap out the
    file the shell redirected to (`>> log.txt`); writing to the descriptor keeps its content."""
    path = os.path.abspath(target)
    for _ in range(40):
        if path in _STANDARD_STREAMS:
            return _STANDARD_STREAMS[path]
        match = _DESCRIPTOR_PATH.fullmatch(path)
        if match:
            pid = match.group(1)
            return int(match.group(2)) if pid is None or int(pid) == os.getpid() else None
        try:
            link = os.readlink(path)
        except OSError:
            return None
        path = os.path.normpath(os.path.join(os.path.dirname(path), link))
    return None


def _write_descriptor(target: Path, fd: int, data: bytes) -> None:
    for stream in (sys.stdout, sys.stderr):  # what they hold was meant to come first
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    try:
        os.fstat(fd)
        _write_all(fd, data)
    except OSError as exc:
        if exc.errno == errno.EBADF:
            problem = "that descriptor is not open for writing; nothing was written"
            raise DesignSaveError(target, problem) from None
        raise DesignSaveError(target, _describe(exc, target.parent)) from None


def _write_stream(target: Path, data: bytes) -> None:
    fifo = stat.S_ISFIFO(os.stat(target).st_mode)
    try:
        fd = _open_for_writing(target, fifo)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise DesignSaveError(
                target, "no program is reading the pipe; start the reader first; nothing was written"
            ) from None
        raise DesignSaveError(target, _describe(exc, target.parent)) from None
    try:
        if fifo:  # named pipes are POSIX, and so is fcntl (absent on Windows)
            import fcntl

            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        _write_all(fd, data)
    except OSError as exc:
        raise DesignSaveError(target, _describe(exc, target.parent)) from None
    finally:
        os.close(fd)


def _open_for_writing(target: Path, fifo: bool, grace_s: float = 2.0) -> int:
    if not fifo:
        return os.open(target, os.O_WRONLY)
    # A named pipe is opened without waiting, since with no reader open() would block for ever;
    # a reader started at the same moment as we were gets a short while to open its end.
    deadline = time.monotonic() + grace_s
    while True:
        try:
            return os.open(target, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() >= deadline:
                raise
        time.sleep(0.02)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    written = 0
    while written < len(data):
        n = os.write(fd, view[written:])
        if n <= 0:
            raise OSError(errno.EIO, "write returned no progress")
        written += n


def _copy_mode(original: Path, temp: Path) -> None:
    try:
        mode = original.stat().st_mode & 0o7777
    except OSError:
        return
    try:
        os.chmod(temp, mode)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _describe(exc: OSError, folder: Path) -> str:
    code = exc.errno
    shown = display_path(folder)  # a folder named with a newline or ESC: one plain line
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full; nothing was changed. Free some space or save elsewhere"
    if code == errno.EFBIG:
        return "the file is larger than this system allows; nothing was changed"
    if code in (errno.EACCES, errno.EPERM):
        return f"permission denied in {shown}; nothing was changed{PICK_ANOTHER_PLACE}"
    if code == errno.EROFS:
        return f"{shown} is on a read-only file system; nothing was changed{SAVE_AS}"
    if code == errno.ENOTDIR:
        return f"{shown} is not a folder; nothing was changed"
    if code == errno.ENOENT:
        if folder.is_dir():  # e.g. /proc: there, but no file can be made in it
            return f"no file can be created in {shown}; nothing was changed"
        return f"the folder {shown} does not exist"
    return f"could not write ({exc.strerror or exc}); nothing was changed"


def clean_stale_temp_files(folder: str | Path, older_than_s: float = 0.0) -> list[Path]:
    """Remove temp files left by writers that died; returns what was removed."""
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(TEMP_MARK)):
            continue
        pid = _pid_of(name)
        if pid is not None and pid != os.getpid() and _alive(pid):
            continue
        if pid == os.getpid():
            continue
        try:
            if now - entry.stat().st_mtime < older_than_s:
                continue
            entry.unlink()
            removed.append(entry)
        except OSError:
            continue
    return removed


def _pid_of(name: str) -> int | None:
    stem = name[: -len(TEMP_MARK)]
    tail = stem.rsplit(".", 1)[-1]
    pid_text = tail.split("-", 1)[0]
    return int(pid_text) if pid_text.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
