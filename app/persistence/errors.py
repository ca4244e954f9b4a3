"""Errors of reading and writing design files, each naming the file, place and problem."""

from __future__ import annotations

import os
import re
from pathlib import Path

# Characters of a file name that would break a one-line message or reorder it on a terminal:
# control characters (a newline, ESC) and bidi controls and marks.
_UNSAFE_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def display_path(path: str | os.PathLike[str]) -> str:
    """A file name for a one-line message: bytes that are not UTF-8 as U+FFFD, control and bidi
    characters as escapes (a newline as \\n, U+202E as \\u202e)."""
    text = os.fspath(path)
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        text = text.encode("utf-8", "replace").decode("utf-8")
    return _UNSAFE_IN_NAME.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def text_path(path: str | os.PathLike[str]) -> str:
    """A file name as text for JSON output: bytes that are not UTF-8 (surrogate escapes) as
    U+FFFD, which written raw would make the output invalid UTF-8."""
    return os.fspath(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def load_warning(path: str | os.PathLike[str], warning: str) -> str:
    """A warning of the loader about a file, as every `mlsd` command prints it on stderr."""
    return f"mlsd: {display_path(path)}: warning: {warning}"


class DesignLoadError(Exception):
    """A design file could not be read. ``str()`` is a one-line message for the user."""

    def __init__(self, path: str | Path | None, problem: str, where: str | None = None):
        self.path = str(path) if path is not None else "<memory>"
        self.problem = problem
        self.where = where
        place = f" at {where}" if where else ""
        shown = display_path(self.path) if path is not None else self.path
        super().__init__(f"{shown}{place}: {problem}")


# The window's way out of a refused save, ending some messages; meaningless on the command line.
WINDOW_HINTS = (". Use Save As to pick another place", ". Use Save As")


class DesignSaveError(Exception):
    """A design could not be written; the file on disk is unchanged."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{display_path(self.path)}: {problem}")

    def command_line_message(self) -> str:
        """The message without the window's hint to use Save As."""
        text = str(self)
        for hint in WINDOW_HINTS:
            if text.endswith(hint):
                return text[: -len(hint)]
        return text
