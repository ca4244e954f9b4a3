"""reportlab's paragraph markup parser, reading the markup the report writes with one regular
expression instead of html.parser.

reportlab's ParaParser is an html.parser.HTMLParser: its tokenizer (character references off)
cuts the text at every "<" and "&" and calls handle_data, handle_starttag, handle_endtag,
handle_startendtag or handle_entityref for each piece, and ParaParser builds the fragments
from those calls. The report's markup is a small regular language: text escaped with &amp;,
&lt; and &gt; (and the odd named entity), tags such as <b>, <font name="..." color="...">
and <br/> with double-quoted attribute values free of "&". FastParaParser cuts such a text
into the very same calls (tag and attribute names lowercased, as html.parser does) in one
pass of a compiled expression, and hands anything else ("<" or "&" where such markup has
none, a character reference, a value in single quotes) to html.parser unchanged. Paragraph
markup is parsed once per (text, style) pair already (report.paragraph); this takes a fifth
off that first parse (ParaParser's own handlers are the rest of it).
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.platypus.paraparser import ParaParser

_TOKEN = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z][-a-zA-Z0-9_]*=\"[^\"&<>]*\")*)\s*(/?)>"  # start or empty tag
    r"|</([a-zA-Z][a-zA-Z0-9]*)>"  # end tag
    r"|&([a-zA-Z][a-zA-Z0-9]*);"  # named entity
)
_ATTRIBUTE = re.compile(r"\s+([a-zA-Z][-a-zA-Z0-9_]*)=\"([^\"&<>]*)\"")
_SPECIAL = re.compile(r"[<&]")

# (handler name, arguments) in the order html.parser would make the calls
Event = tuple[str, tuple[Any, ...]]


def events(text: str) -> list[Event] | None:
    """The calls html.parser makes for `text`, or None when the text is not of the simple
    markup this tokenizer reads the same way."""
    out: list[Event] = []
    position = 0
    for match in _TOKEN.finditer(text):
        start = match.start()
        if start > position:
            data = text[position:start]
            if _SPECIAL.search(data):
                return None
            out.append(("handle_data", (data,)))
        tag, attributes, empty, closing, entity = match.groups()
        if tag is not None:
            found = [(name.lower(), value) for name, value in _ATTRIBUTE.findall(attributes)]
            handler = "handle_startendtag" if empty else "handle_starttag"
            out.append((handler, (tag.lower(), found)))
        elif closing is not None:
            out.append(("handle_endtag", (closing.lower(),)))
        else:
            out.append(("handle_entityref", (entity,)))
        position = match.end()
    if position < len(text):
        data = text[position:]
        if _SPECIAL.search(data):
            return None
        out.append(("handle_data", (data,)))
    return out


class ReportParaParser(ParaParser):
    """reportlab's ParaParser but for one meaning: a <font name="..."> tag adds the weight and
    slant of the face it names to those of the text around it, never takes them away.
    reportlab's sets those of the face named, so a run of user text the report sets in its
    script's family (fonts.markup names the family's regular face) in a bold heading or table
    head was set regular: Hebrew and Arabic names lost their bold.
    """

    def start_font(self, attr: Any) -> None:
        outer = self._stack[-1]
        super().start_font(attr)
        inner = self._stack[-1]
        inner.bold = inner.bold or outer.bold
        inner.italic = inner.italic or outer.italic


class FastParaParser(ReportParaParser):
    """A ReportParaParser that tokenizes the report's markup itself (the same calls as
    html.parser)."""

    def feed(self, data: str) -> None:
        found = events(data) if not self.rawdata else None
        if found is None:
            super().feed(data)
            return
        for handler, arguments in found:
            getattr(self, handler)(*arguments)
