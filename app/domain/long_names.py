"""Names as an output quotes them: shortened past NAME_LIMIT characters, and set by a quote
function wherever a sentence (a finding's message, a rubric reason) holds them.

A name of thousands of letters cannot be read in a terminal line, a table cell, a heading or
a sentence: `mlsd check` printed a 5,000-letter name whole on every line that quoted it, and
laying such names out made the PDF report slow (a design of ten names of 3,000-9,300 letters
took 8.6 s to export). Every text output for people (the report, `mlsd check`'s text and
rubric, the window's rubric) cuts such a name at a word's end with an ellipsis; the JSON and
SARIF outputs keep names whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from app.domain.model import Design
from app.domain.text import balance_bidi, isolate, needs_isolation, one_line

NAME_LIMIT = 200  # characters: some three lines of a report table cell, two of a terminal's
ELLIPSIS = "\u2026"

Quote = Callable[[str], str]  # how a name is set in the text (isolate, say)


def shortened(text: str, limit: int = NAME_LIMIT) -> str:
    """`text` on one line, cut to `limit` characters at a word's end (mid-word when its first
    word is longer), with an ellipsis when cut."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    head = flat[:limit]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:.") + ELLIPSIS


def with_short_names(design: Design) -> tuple[Design, dict[str, str]]:
    """A copy of `design` whose names past NAME_LIMIT characters are shortened, and the full
    names of those components by id; the design itself when no name is that long. A document
    (the PDF report, the Markdown) is built from it, checked again, since the findings'
    messages quote the names, and prints each full name once."""
    full = {c.id: c.name for c in design.components if len(c.name) > NAME_LIMIT}
    if not full:
        return design, {}
    shown = design.model_copy(deep=True)
    for component in shown.components:
        if component.id in full:
            component.name = shortened(component.name)
    shown.invalidate_indexes()
    return shown, full


def as_is(text: str) -> str:
    """The text as it is: what quoting_names returns when no name needs quoting."""
    return text


def quoting_names(names: Iterable[str], quote: Quote) -> Quote:
    """Text (a finding's message) with each of the names in it set by `quote`, the longest
    name first where names overlap; the text as it is when no name needs quoting.

    Names past NAME_LIMIT characters are looked for as they are, not in the pattern of the
    others: compiling a pattern of ten names of 3,000-9,000 letters took a tenth of a second
    (Python's own regular expression parser reads it a character at a time). Where such a
    name and a short one overlap in the text, the long one is quoted."""
    shown = sorted({n for n in names if n and quote(n) != n}, key=len, reverse=True)
    if not shown:
        return as_is
    long = [n for n in shown if len(n) > NAME_LIMIT]
    short = [n for n in shown if len(n) <= NAME_LIMIT]
    alternatives = "|".join(re.escape(n) for n in short)
    pattern = re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)") if short else None

    if not long:
        assert pattern is not None
        return lambda text: pattern.sub(lambda m: quote(m.group(0)), text)

    def quoted_short(text: str, start: int, end: int) -> str:
        """text[start:end] with the short names in it quoted, read in the whole text (what
        stands before and after a name decides whether it is one)."""
        parts, done = [], start
        for match in pattern.finditer(text, start, end) if pattern is not None else ():
            if match.end() == end and end < len(text) and _is_word(text[end]):
                continue
            parts += [text[done : match.start()], quote(match.group(0))]
            done = match.end()
        return "".join(parts) + text[done:end]

    def quoted(text: str) -> str:
        parts, start = [], 0
        while found := _first_of(long, text, start):
            at, name = found
            parts += [quoted_short(text, start, at), quote(name)]
            start = at + len(name)
        return "".join(parts) + quoted_short(text, start, len(text))

    return quoted


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \w matches


def _first_of(names: list[str], text: str, start: int) -> tuple[int, str] | None:
    """Where the first of `names` (longest first) stands in `text` from `start` as a whole
    word, as the pattern of the short names finds them; None when none does."""
    best: tuple[int, str] | None = None
    for name in names:
        at = text.find(name, start)
        while at != -1 and (
            (at > 0 and _is_word(text[at - 1]))
            or (at + len(name) < len(text) and _is_word(text[at + len(name)]))
        ):
            at = text.find(name, at + 1)
        if at != -1 and (best is None or at < best[0]):
            best = (at, name)
    return best


def quoted_name(name: str) -> str:
    """A name as a sentence quotes it: shortened (on one line) past NAME_LIMIT, isolated
    (app.domain.text.isolate) when it could reorder its neighbours."""
    return isolate(shortened(name) if len(name) > NAME_LIMIT else name)


def quoting_long_names(names: Iterable[str], quote: Quote = quoted_name) -> Quote:
    """Text (a finding's message, a rubric reason) with each of the names in it past
    NAME_LIMIT characters, or holding right-to-left letters, set by `quote` (shortened and
    isolated by default), whether the text holds a name as it is, on one line, or on one line
    isolated (app.domain.text.isolate: its unclosed bidi controls dropped). Only those
    names are looked at, so a design of short left-to-right names costs one pass over them."""
    candidates = (n for n in names if len(n) > NAME_LIMIT or not n.isascii())  # the rest need neither
    forms = (form for name in candidates for form in _forms(name))
    return quoting_names((n for n in forms if len(n) > NAME_LIMIT or needs_isolation(n)), quote)


def _forms(name: str) -> dict[str, None]:
    """The forms a text may quote `name` in: as it is, on one line, and on one line without
    the bidi controls it leaves open (as isolate() quotes it)."""
    flat = one_line(name)
    return dict.fromkeys((name, flat, balance_bidi(flat)))
