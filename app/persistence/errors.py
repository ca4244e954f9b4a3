"""Errors of reading and writing design files, each naming the file, place and problem."""

from __future__ import annotations

from pathlib import Path


class DesignLoadError(Exception):
    """A design file could not be read. ``str()`` is a one-line message for the user."""

    def __init__(self, path: str | Path | None, problem: str, where: str | None = None):
        self.path = str(path) if path is not None else "<memory>"
        self.problem = problem
        self.where = where
        place = f" at {where}" if where else ""
        super().__init__(f"{self.path}{place}: {problem}")


class DesignSaveError(Exception):
    """A design could not be written; the file on disk is unchanged."""

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
