"""Report markup holding user text in logical order, broken into lines before each line is
reordered (the bidi algorithm's rules L1-L2: lines first, then reordering).

reportlab wraps left to right the text it is given. A right-to-left phrase reordered whole
before that (a Hebrew component name quoted in "Sends to ...", say) has its logical end on the
first line when a line break cuts it. So the report keeps such text in its markup in logical
order, escaped, inside a bidi isolate: a *span* (LRI, RLI or FSI ... PDI, no tags inside; no
other bidi control reaches the markup, markup() drops them). lay_out() breaks the whole markup
into lines for a width (the report's own text measured in its fonts, a span's words as drawn:
Arabic joined, each run in its font), then sets each span's piece on each line in visual
order, in the span's direction (an FSI's: its first strong letter's), the bidi controls open
in the span at the line's start opened again: the span keeps its direction on every line and
nothing in it reorders the report's text around it.
"""

from __future__ import annotations

import re
from typing import Literal

from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.export.report.fonts import FontSet, lines_markup, markup, report_fonts, text_width
from app.export.report.shaping import base_direction, visual_line
from app.export.text import clean, escape_xml, needs_isolation

Direction = Literal["L", "R"]
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_OPENERS: dict[str, Direction | None] = {LRI: "L", RLI: "R", FSI: None}
_EMBEDDINGS = "\u202a\u202b\u202d\u202e"  # LRE, RLE, LRO, RLO: closed by PDF
_PDF = "\u202c"
_SPAN = re.compile("[\u2066-\u2068]")
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|.", re.S)
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&nbsp;": "\u00a0"}
_FONT_ATTR = re.compile(r'(name|size)\s*=\s*"([^"]*)"')
SLACK = 0.5  # points kept free on a line: reportlab's own measure must not wrap it again


def has_spans(text: object) -> bool:
    return isinstance(text, str) and _SPAN.search(text) is not None


def span(text: str, direction: Direction | None = None) -> str:
    """Logical text (one line) as a span: escaped, in `direction` (None: its first strong
    letter's)."""
    opener = {None: FSI, "L": LRI, "R": RLI}[direction]
    return f"{opener}{escape_xml(text)}{PDI}"


def quote(value: object, fonts: FontSet | None = None) -> str:
    """Markup of user text quoted on one line of a report sentence (a name): a span when it
    holds right-to-left letters or bidi controls, else markup() of it."""
    text = " ".join(clean("" if value is None else str(value)).split("\n"))
    return span(text) if needs_isolation(text) else markup(text, fonts, newlines=False)


def said(text: object, fonts: FontSet | None = None, *, newlines: bool = True) -> str:
    """Markup of a sentence the report writes, user text in it in logical order (names in it
    isolated with app.domain.text.isolate keep their own direction): each line a left-to-right
    span when it holds right-to-left letters or bidi controls, else markup() of it."""
    value = clean("" if text is None else str(text))
    lines = value.split("\n") if newlines else [" ".join(value.split("\n"))]
    shown = (
        span(line, "L") if needs_isolation(line) else markup(line, fonts, newlines=False) for line in lines
    )
    return "<br/>".join(shown)


State = tuple[str, bool, bool, float, bool]  # family, bold, italic, size, family set by a tag


class _Char:
    """A character of the markup's text: how it is measured, the span holding it (-1: none)."""

    __slots__ = ("ch", "source", "face", "size", "bold", "italic", "span", "edge", "opened", "shown")

    def __init__(self, ch: str, source: str, state: State, span_id: int):
        family, self.bold, self.italic, self.size, explicit = state
        self.ch, self.source, self.span = ch, source, span_id
        self.face = _face(family, self.bold, self.italic) if explicit or span_id < 0 else ""
        self.edge = False  # a span's own opener or closing PDI
        self.opened: tuple[_Char, ...] = ()  # the controls open in its span before it
        self.shown = ch  # a nested FSI: the isolate it resolved to (its whole content's direction)


def _face(family: str, bold: bool, italic: bool) -> str:
    try:
        return str(tt2ps(family, 1 if bold else 0, 1 if italic else 0))
    except (KeyError, ValueError):
        return family


def _restyle(stack: list[State], tag: str) -> list[State]:
    """The style stack after a tag (<b>, <i>, <font name= size=>, closing tags)."""
    if tag.startswith("</"):
        return stack[:-1] if len(stack) > 1 else stack
    name = tag.strip("<>/ ").split(" ")[0].lower()
    if tag.endswith("/>") or name == "br":
        return stack
    family, bold, italic, size, explicit = stack[-1]
    if name in ("b", "strong"):
        bold = True
    elif name in ("i", "em"):
        italic = True
    for key, value in _FONT_ATTR.findall(tag) if name == "font" else ():
        if key == "name":
            family, explicit = value, True
        else:
            size = float(value)
    return [*stack, (family, bold, italic, size, explicit)]


def _char_of(token: str) -> str:
    if token.startswith("&#"):
        return chr(int(token[3:-1], 16) if token[2] in "xX" else int(token[2:-1]))
    return _ENTITIES.get(token, token)


def _resolved(opener: str, content: list[_Char]) -> Direction:
    direction = _OPENERS[opener]
    return direction or base_direction("".join(c.ch for c in content)) or "L"


class _Parsed:
    """The markup as tags and characters, and each span's direction."""

    def __init__(self, text: str, style: ParagraphStyle):
        try:
            family, bold, italic = ps2tt(style.fontName)
        except ValueError:  # a face of no registered family
            family, bold, italic = style.fontName, 0, 0
        stack: list[State] = [(family, bool(bold), bool(italic), style.fontSize, False)]
        self.items: list[str | _Char] = []
        self.directions: list[Direction] = []
        opened: list[tuple[_Char, int]] = []  # in the current span: the controls open, where
        content: list[_Char] = []
        for token in _TOKEN.findall(text):
            if token.startswith("<"):
                self.items.append(token)
                stack = _restyle(stack, token)
                continue
            ch = _char_of(token)
            inside = bool(content) or ch in _OPENERS
            char = _Char(ch, token, stack[-1], len(self.directions) - bool(content) if inside else -1)
            self.items.append(char)
            if not content:  # outside any span
                if ch in _OPENERS:
                    char.edge, content = True, [char]
                    self.directions.append("L")
                continue
            char.opened = tuple(c for c, _at in opened)
            if ch in _OPENERS or ch in _EMBEDDINGS:
                opened.append((char, len(content)))
            elif ch in (PDI, _PDF) and opened and (ch == PDI) == (opened[-1][0].ch in _OPENERS):
                opener, at = opened.pop()
                if opener.ch == FSI:
                    opener.shown = LRI if _resolved(FSI, content[at + 1 :]) == "L" else RLI
            elif ch == PDI:
                char.edge = True
                self.directions[-1] = _resolved(content[0].ch, content[1:])
                content, opened = [], []
                continue
            content.append(char)
        if content:
            self.directions[-1] = _resolved(content[0].ch, content[1:])
        for opener, at in opened:
            if opener.ch == FSI:
                opener.shown = LRI if _resolved(FSI, content[at + 1 :]) == "L" else RLI


def _measured_alike(a: _Char, b: _Char) -> bool:
    return (a.span >= 0, a.face, a.size, a.bold, a.italic) == (b.span >= 0, b.face, b.size, b.bold, b.italic)


def _width(word: list[_Char], fonts: FontSet) -> float:
    """The width of a word as drawn: the report's text in its fonts, a span's as shaped."""
    width, start = 0.0, 0
    for end in range(1, len(word) + 1):
        first = word[start]
        if end < len(word) and _measured_alike(first, word[end]):
            continue
        text = "".join(c.ch for c in word[start:end])
        if first.face:
            width += stringWidth(text, first.face, first.size)
        else:
            width += text_width(text, first.size, fonts, bold=first.bold, italic=first.italic)
        start = end
    return width


def _is_break(item: str | _Char) -> bool:
    return isinstance(item, str) and item.replace(" ", "").lower() in ("<br/>", "<br>")


def _words(items: list[str | _Char]) -> list[tuple[list[str | _Char], _Char | None, bool]]:
    """Items cut at spaces and line breaks: (word, the space before it, whether a line break
    precedes it)."""
    words: list[tuple[list[str | _Char], _Char | None, bool]] = []
    word: list[str | _Char] = []
    space: _Char | None = None
    forced = False
    for item in items:
        if _is_break(item) or (isinstance(item, _Char) and item.ch == " "):
            words.append((word, space, forced))
            word, space, forced = [], item if isinstance(item, _Char) else None, _is_break(item)
        else:
            word.append(item)
    words.append((word, space, forced))
    return words


def _lines(parsed: _Parsed, width: float, fonts: FontSet, first: float) -> list[list[str | _Char]]:
    """The items cut into lines: at each line break, and at spaces (dropped) so that each line
    fits `width` (the first one `first` points less); a word wider than that alone on a line."""
    lines: list[list[str | _Char]] = []
    line: list[str | _Char] = []
    used, limit = 0.0, width - first - SLACK
    for word, space, forced in _words(parsed.items):
        if forced:
            lines.append(line)
            line, used, limit = [], 0.0, width - SLACK
        chars = [c for c in word if isinstance(c, _Char)]
        wide = _width(chars, fonts) if chars else 0.0
        gap = 0.0
        if space is not None:
            gap = stringWidth(" ", space.face or _face(fonts.regular, space.bold, space.italic), space.size)
        if chars and used > 0 and used + gap + wide > limit:
            lines.append(line)
            line, used, limit = [], 0.0, width - SLACK
        elif space is not None:
            line.append(space)
            used += gap
        line.extend(word)
        used += wide
    lines.append(line)
    return lines


def _visual(line: list[str | _Char], parsed: _Parsed, fonts: FontSet) -> str:
    """A line as markup, each span's piece on it in visual order in the span's direction."""
    out: list[str] = []
    run: list[_Char] = []

    def flush() -> None:
        if run:
            text = "".join(c.shown for c in run[0].opened) + "".join(c.shown for c in run if not c.edge)
            out.append(lines_markup([visual_line(text, parsed.directions[run[0].span])], fonts))
            run.clear()

    for item in line:
        if isinstance(item, _Char) and item.span >= 0:
            if run and run[-1].span != item.span:
                flush()
            run.append(item)
            continue
        flush()
        out.append(item if isinstance(item, str) else item.source)
    flush()
    return "".join(out)


def lay_out(
    text: str, width: float, style: ParagraphStyle, fonts: FontSet | None = None, first: float = 0.0
) -> str:
    """Markup with spans as lines for `width` (the first line `first` points narrower), joined
    by line breaks, each span's piece on each line in visual order (the module's note)."""
    fonts = fonts or report_fonts()
    parsed = _Parsed(text, style)
    return "<br/>".join(_visual(line, parsed, fonts) for line in _lines(parsed, width, fonts, first))


def flat(text: str, style: ParagraphStyle) -> str:
    """Markup with spans as one line (a contents entry): each span in visual order."""
    return lay_out(text, float("inf"), style) if has_spans(text) else text
