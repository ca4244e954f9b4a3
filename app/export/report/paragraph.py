"""reportlab's Paragraph, remembering its line breaks for each width it was wrapped to.

Platypus wraps the same paragraph many times at the same width: a table wraps each cell to
size its rows and again to split them across pages, and multiBuild lays the whole story out
twice (once for the page numbers of the contents, once to draw). Breaking the lines is most of
the report's time, and its result depends only on the text, the style and the width, so the
second and later wraps restore what the first one computed instead of breaking again.
"""

from __future__ import annotations

import copy
from typing import Any

from reportlab.platypus import paragraph as _rl

# What Paragraph.wrap (and breakLines under it) sets on the paragraph.
_WRAP_STATE = ("width", "_wrapWidths", "blPara", "height", "_width_max", "_splitLongWordCount",
               "_hyphenations", "frags")  # fmt: skip
_UNSET = object()
_FUZZ: float = getattr(_rl, "_FUZZ", 1e-6)  # narrower than this, wrap only reports that nothing fits


class Paragraph(_rl.Paragraph):
    """A Paragraph whose wrap at a width it has been wrapped to before costs a lookup."""

    _wraps: dict[float, tuple[Any, ...]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        wraps = self._wraps
        state = wraps.get(availWidth) if wraps is not None else None
        if state is not None:
            for name, value in zip(_WRAP_STATE, state, strict=True):
                if value is not _UNSET:
                    setattr(self, name, value)
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        if availWidth >= _FUZZ:
            if wraps is None:
                wraps = self._wraps = {}
            wraps[availWidth] = tuple(getattr(self, name, _UNSET) for name in _WRAP_STATE)
        return size

    def __deepcopy__(self, memo: dict[int, Any]) -> Paragraph:
        """A deep copy without the remembered line breaks (a fresh paragraph's state): platypus
        copies a paragraph to split it (balanced columns), and the copy is wrapped anew."""
        clone = type(self).__new__(type(self))
        memo[id(self)] = clone
        for name, value in self.__dict__.items():
            if name != "_wraps":
                clone.__dict__[name] = copy.deepcopy(value, memo)
        return clone
