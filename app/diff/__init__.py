"""Semantic diff of designs: what changed by meaning, for the CLI, git and the window. No Qt."""

from app.diff.compute import diff_designs
from app.diff.model import Change, DesignDiff, finding_key

__all__ = ["Change", "DesignDiff", "diff_designs", "finding_key"]
