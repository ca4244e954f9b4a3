"""reportlab's Paragraph, remembering its line breaks for each width it was wrapped to.

Platypus wraps the same paragraph many times at the same width: a table wraps each cell to
size its rows and again to split them across pages, and multiBuild lays the whole story out
twice (once for the page numbers of the contents, once to draw). Breaking the lines is most of
the report's time, and its result depends only on the text, the style and the width, so the
second and later wraps restore what the first one computed instead of breaking again.

Parsing the markup into fragments (reportlab's ParaParser, built on html.parser) is the other
large cost, and a report sets the same text in the same style many times (table headers,
property values, kinds, repeated names): the fragments of a (text, style) pair are parsed
once, and each paragraph gets its own copies of them (platypus annotates the fragments it
wraps), so it is as if it had parsed them itself.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from reportlab.platypus import paragraph as _rl

from app.export.report.markup_parser import FastParaParser

# What Paragraph.wrap (and breakLines under it) sets on the paragraph.
_WRAP_STATE = ("width", "_wrapWidths", "blPara", "height", "_width_max", "_splitLongWordCount",
               "_hyphenations", "frags")  # fmt: skip
_UNSET = object()
_FUZZ: float = getattr(_rl, "_FUZZ", 1e-6)  # narrower than this, wrap only reports that nothing fits
PARSED_LIMIT = 4096  # (text, style) pairs whose fragments are kept; the oldest go first
# (text, id(style), caseSensitive, cleaner) -> (style, cleaned text, style after parsing, fragments)
_parsed: dict[tuple[Any, ...], tuple[Any, str, Any, list[Any]]] = {}
_rl_setup: Any = getattr(_rl.Paragraph, "_setup")  # noqa: B009 (private, not in reportlab's stubs)
_text_transform: Any = getattr(_rl, "textTransformFrags")  # noqa: B009 (not in reportlab's stubs)


class Paragraph(_rl.Paragraph):
    """A Paragraph whose wrap at a width it has been wrapped to before costs a lookup."""

    _wraps: dict[float, tuple[Any, ...]] | None = None

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:  # noqa: N803
        if frags is not None or not isinstance(text, str):
            _rl_setup(self, text, style, bulletText, frags, cleaner)  # given fragments
            return
        if bulletText is not None:  # parsed, not kept: the bullet's fragments are the paragraph's
            self._parse(text, style, bulletText, cleaner)
            return
        key = (text, id(style), self.caseSensitive, cleaner)
        known = _parsed.get(key)
        if known is not None and known[0] is style:
            _style, self.text, self.style, parsed = known
            self.frags = [fragment.clone() for fragment in parsed]
            self.bulletText = None
            self.debug = 0
            return
        self._parse(text, style, bulletText, cleaner)
        if self.bulletText is None and all(hasattr(f, "clone") for f in self.frags):  # no <bullet>
            if len(_parsed) >= PARSED_LIMIT:
                with contextlib.suppress(KeyError, RuntimeError, StopIteration):  # another thread's
                    del _parsed[next(iter(_parsed))]
            _parsed[key] = (style, self.text, self.style, [fragment.clone() for fragment in self.frags])

    def _parse(self, text: str, style: Any, bullet_text: Any, cleaner: Any) -> None:
        """What reportlab's Paragraph._setup does with markup text, its parser reading the
        report's markup without html.parser (report.markup_parser: the same fragments)."""
        text = cleaner(text)
        parser: Any = FastParaParser()  # reportlab's parser has no type annotations
        parser.caseSensitive = self.caseSensitive
        style, frags, bullet_frags = parser.parse(text, style)
        if frags is None:
            raise ValueError(f"xml parser error ({parser.errors[0]}) in paragraph beginning\n'{text[:30]}'")
        _text_transform(frags, style)
        self.text, self.frags, self.style = text, frags, style
        self.bulletText = bullet_frags or bullet_text
        self.debug = 0

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
