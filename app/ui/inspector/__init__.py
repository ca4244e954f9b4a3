"""The inspector: edits the selection (or the design's meta) through the document."""

from app.ui.inspector.panel import Inspector

__all__ = ["Inspector"]
