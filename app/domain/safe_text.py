"""Which text a design may hold, and how text typed in the window is made to fit.

The rule: every string in a design (names, notes, labels, property values, unknown fields,
object keys) is valid Unicode that every output can carry, so it holds

- no lone surrogate (half of a UTF-16 pair, e.g. the JSON escape ``"\\ud800"``): it is not
  valid Unicode and cannot be written as UTF-8, so the design could be neither saved nor
  printed;
- no control character (Unicode category Cc) other than tab, line feed and carriage return:
  NUL cuts text short in C libraries, XML (SVG) cannot carry controls, and printed by
  ``mlsd check`` they would reach the terminal as control codes (ESC starts sequences that
  rewrite the screen).

Noncharacters (U+FFFE, U+FDD0, ...) are valid in interchange and are kept; the exports drop
them where a format cannot hold them.

The loader refuses a file that breaks the rule, naming the place (`find_invalid_text`). Text
entering a design from the window is cleaned instead (`clean_text`): a lone surrogate
becomes U+FFFD (the replacement character) and a refused control character is removed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SURROGATES = "\ud800-\udfff"
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_INVALID = re.compile(f"[{_SURROGATES}{_CONTROLS}]")
_SURROGATE = re.compile(f"[{_SURROGATES}]")
_CONTROL = re.compile(f"[{_CONTROLS}]")
# In JSON source text, what could decode to an invalid character: a \u escape of a
# surrogate or control, \b or \f, or a raw DEL or C1 control (raw C0 controls are not
# allowed in JSON strings at all). A cheap screen before walking the parsed data.
_JSON_HINT = re.compile(r"\\u(?:[dD][89a-fA-F]|00[01]|007[fF]|00[89])|\\[bf]|[\x7f-\x9f]")

_CONTROL_NAMES = {0: "NUL", 0x1B: "ESC", 0x7F: "DEL"}


def text_problem(text: str) -> str | None:
    """What makes `text` unfit for a design, or None if it is fine."""
    match = _INVALID.search(text)
    if match is None:
        return None
    char = match.group()
    code = ord(char)
    at = f"at character {match.start() + 1}"
    if 0xD800 <= code <= 0xDFFF:
        return (
            f"holds a lone surrogate U+{code:04X} {at}: not valid Unicode "
            "(half of a UTF-16 pair), so it cannot be written as UTF-8"
        )
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    shown = f" ({name})" if name else ""
    return (
        f"holds the control character U+{code:04X}{shown} {at}; "
        "only tab, line feed and carriage return are allowed"
    )


_SCREEN_CHUNK = 1 << 18  # characters searched at a time: a few milliseconds holding the interpreter
_RAW_CONTROLS = "".join(map(chr, range(0x7F, 0xA0)))  # allowed raw in JSON strings, unlike C0


def may_hold_invalid_json_text(source: str) -> bool:
    """False when JSON source text certainly decodes to no invalid character (a fast screen).

    Without a backslash only a raw DEL or C1 control can be there: one fast scan per
    character. With backslashes, escapes are searched 256 KB at a time, so a thread that
    loads a big file lets the window's thread run between chunks (a regular expression holds
    the interpreter lock while it searches).
    """
    if "\\" not in source:
        return any(char in source for char in _RAW_CONTROLS)
    overlap = 6  # the longest hint, a \u escape, may straddle two chunks
    for start in range(0, len(source), _SCREEN_CHUNK):
        if _JSON_HINT.search(source, start, start + _SCREEN_CHUNK + overlap) is not None:
            return True
    return False


def find_invalid_text(data: Any, root: str = "$") -> tuple[str, str] | None:
    """The place (a JSON path such as ``$.components[3].name``) and problem of the first
    string in `data` (JSON-like: dicts, lists, scalars) that breaks the rule, or None."""
    stack: list[tuple[str, Any]] = [(root, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem is not None:
                return where, f"text {problem}"
        elif isinstance(value, dict):
            items = list(value.items())
            for key, _ in items:
                problem = text_problem(key) if isinstance(key, str) else None
                if problem is not None:
                    return where, f"the key {ascii(key)} {problem}"
            stack.extend((f"{where}.{key}", item) for key, item in reversed(items))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return None


def clean_text(text: str) -> str:
    """`text` made to fit the rule: lone surrogates become U+FFFD, refused controls go."""
    if _INVALID.search(text) is None:
        return text
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))


def clean_data(value: Any) -> Any:
    """`clean_text` applied to every string (and key) in JSON-like data."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    if isinstance(value, dict):
        return {clean_data(key): clean_data(item) for key, item in value.items()}
    return value
