"""Compare mode: the current design against another version (a file or a git revision)."""

from app.ui.compare.controller import CompareController

__all__ = ["CompareController"]
