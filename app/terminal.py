"""The `mlsd` process's standard output: on a terminal whose encoding is not UTF-8, closed, or
left by its reader."""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import sys
from collections.abc import Iterator
from typing import Any


def _json_escapes(error: UnicodeError) -> tuple[str, int]:
    """\\uXXXX for each character an encoding cannot hold (a surrogate pair beyond U+FFFF): read
    back as the same text in JSON output, and legible in text output."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped = []
    for char in error.object[error.start : error.end]:
        units = char.encode("utf-16-be", "surrogatepass")
        escaped += [f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2)]
    return "".join(escaped), error.end


def stdout_is_utf8() -> bool:
    """Whether standard output takes every character as it is (its encoding is UTF-8)."""
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
    return encoding == "utf8"


def json_for_stdout(text: str) -> str:
    """JSON (or SARIF) text as standard output takes it: as it is on a UTF-8 stream; on any
    other (a Latin-1 locale, PYTHONIOENCODING=ascii) with every character beyond ASCII as a
    \\u escape, so the output is the same data, valid UTF-8 as JSON must be (é written as
    Latin-1's one byte was not), and legible in that encoding."""
    return text if stdout_is_utf8() else text.encode("ascii", errors="mlsd-json-escapes").decode("ascii")


def write_json_text(text: str) -> None:
    """`json_for_stdout(text)` written to standard output."""
    sys.stdout.write(json_for_stdout(text))
    sys.stdout.flush()


def tolerate_narrow_output() -> None:
    """Text that standard output's encoding cannot hold (a name in Arabic with
    PYTHONIOENCODING=ascii or a Latin-1 locale) is written as \\u escapes instead of ending the
    command with an internal error."""
    if not stdout_is_utf8() and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="mlsd-json-escapes")


codecs.register_error("mlsd-json-escapes", _json_escapes)


class _ClosedOutput(io.RawIOBase):
    """Standard output the shell closed (`mlsd rules >&-`): Python leaves sys.stdout None, so
    the first write failed as an internal error (AttributeError). Writing to it now fails as
    writing to a closed descriptor does, once; what follows (the flush at exit) is dropped."""

    failed = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if _ClosedOutput.failed:
            return memoryview(data).nbytes
        _ClosedOutput.failed = True
        raise OSError(errno.EBADF, "standard output is closed")


def tolerate_closed_output() -> None:
    """A command writing to a closed standard output ends with one line and exit code 2; with
    standard error closed, the messages go nowhere (print(file=None) wrote them into the
    output: 'mlsd: rendering diagrams ...' at the top of `--svg -`)."""
    if sys.stdout is None:
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(_ClosedOutput()), encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the process's life)


def detach_stdout() -> None:
    """Points standard output at the null device, so the interpreter's flush at exit does not
    fail a second time on output that could not be written."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind stdout (an in-process caller)
        pass


@contextlib.contextmanager
def reader_may_stop() -> Iterator[None]:
    """Output whose reader may stop early (`mlsd check ... | head -1`): the rest is dropped, and
    the command still ends with its own status (findings, differences), not with 0."""
    try:
        yield
    except BrokenPipeError:
        detach_stdout()
