"""How a name breaks into lines, whatever measures it: the canvas (Qt's font metrics), the
report's figures (reportlab's) and the SVG and PNG exports (Helvetica's widths) share it, so a
name and a measure give the same lines everywhere.

* A line ends at a space; lines are filled greedily, words kept whole. When that leaves the
  text elided, a line may also end after a slash or hyphen inside a word, if then it all shows.
* A word too long for a line breaks after a slash or hyphen of its own ("near-real-" /
  "time"), unless that leaves the text elided where a cut would not; otherwise it is cut
  where the line is full, never inside a grapheme cluster
  (a letter and its combining marks, an emoji with its modifiers, joiners and variation
  selectors, a flag's two regional indicators, a Hangul syllable in jamo, consonants joined
  by a virama). A cut between two letters of an alphabet that hyphenates (Latin, Greek,
  Cyrillic) ends with a hyphen; other scripts (CJK, Arabic, Hebrew, ...) break without one.
* The last line holds the rest of the text, elided when it does not fit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

Measure = Callable[[str], float]  # the width of a text as drawn
Elide = Callable[[str, float], str]  # text cut to a width, ending with an ellipsis when cut

ELLIPSIS = "\u2026"
HYPHEN = "-"
HYPHEN_SCRIPTS_END = 0x0530  # letters below this (Latin, Greek, Cyrillic) take a hyphen at a cut
# Where a word too long for a line may break: after a slash or a hyphen inside it
# ("supply/demand", "near-real-time"); the slash or hyphen stays at the end of the line.
BREAK_AFTER = re.compile(r"(?<=[^/\\\-\u2010\u2013][/\\\-\u2010\u2013])(?=[^/\\\-\u2010\u2013])")
_MARKS = frozenset({"Mn", "Mc", "Me"})
ZWJ, ZWNJ = "\u200d", "\u200c"
_FIRST_MARK = "\u0300"  # no character below this attaches to the one before it


def _attaches(ch: str) -> bool:
    """Whether `ch` belongs to the character before it: a combining mark, a joiner, a variation
    selector, an emoji skin-tone modifier or a tag (the letters of a subdivision flag)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in _MARKS
        or ch in (ZWJ, ZWNJ)
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _jamo_joins(before: str, after: str) -> bool:
    """A Hangul syllable spelt in conjoining jamo: a leading or vowel jamo before a vowel or
    trailing one."""
    return 0x1100 <= ord(before) <= 0x11FF and 0x1160 <= ord(after) <= 0x11FF


def _virama(ch: str) -> bool:
    """A virama (Devanagari's halant, ...): it joins the consonants around it into one cluster."""
    return unicodedata.combining(ch) == 9


def cut_points(text: str) -> list[int]:
    """The positions inside `text` (0 < i < len) where a cut does not split a grapheme cluster."""
    if not text or max(text) < _FIRST_MARK:  # no mark, joiner or emoji: a cut may go anywhere
        return list(range(1, len(text)))
    points = []
    regional_run = 0  # regional indicators in a row just before the position
    for index in range(1, len(text)):
        before, after = text[index - 1], text[index]
        regional_run = regional_run + 1 if _regional(before) else 0
        if _attaches(after) or before == ZWJ or _jamo_joins(before, after) or _virama(before):
            continue
        if _regional(after) and regional_run % 2 == 1:  # the second half of a flag
            continue
        points.append(index)
    return points


def _base(text: str) -> str:
    """The last character of `text` that is not a combining mark (the letter they sit on)."""
    for ch in reversed(text):
        if unicodedata.category(ch) not in _MARKS:
            return ch
    return text[-1:]


def hyphenates(before: str, after: str) -> bool:
    """Whether a word cut between these two letters takes a hyphen: both letters of an alphabet
    that hyphenates (Latin, Greek, Cyrillic); scripts such as CJK break anywhere without one."""
    return all(c.isalpha() and ord(c) < HYPHEN_SCRIPTS_END for c in (before, after))


def cut_head(word: str, cut: int) -> str:
    """The start of `word` up to `cut`, with a hyphen when the cut takes one."""
    head = word[:cut]
    return head + HYPHEN if head and cut < len(word) and hyphenates(_base(head), word[cut]) else head


def cut_word(word: str, width: float, measure: Measure) -> tuple[str, int]:
    """The longest start of a word wider than `width` that fits it (with a hyphen, when the
    cut takes one; at least two clusters tried, the first one when nothing fits) and where the
    rest of the word starts."""
    points = cut_points(word)
    # A cut past the longest start that fits without its hyphen cannot fit with one: only the
    # cuts up to it are tried, so a name of thousands of letters is not measured at each one.
    fitting = _fitting_count(points[1:], lambda cut: measure(word[:cut]) <= width)
    for cut in reversed(points[1 : 1 + fitting]):
        head = cut_head(word, cut)
        if measure(head) <= width:
            return head, cut
    first = points[0] if points else len(word)
    return word[:first], first


def _fitting_count(ends: Sequence[int], fits: Callable[[int], bool]) -> int:
    """How many of the increasing `ends` fit, by bisection (a longer start is never narrower)."""
    low, high = 0, len(ends)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(ends[mid - 1]):
            low = mid
        else:
            high = mid - 1
    return low


def elide(text: str, width: float, measure: Measure) -> str:
    """`text` when it fits `width`, else its longest start (cut between clusters, trailing
    spaces dropped) that fits with an ellipsis after it."""
    if measure(text) <= width:
        return text
    return ellipsized(text, width, measure)


def ellipsized(text: str, width: float, measure: Measure) -> str:
    """The longest start of `text` (cut between clusters, trailing spaces dropped) that fits
    `width` with an ellipsis after it, ended with the ellipsis."""
    cuts = [0, *cut_points(text), len(text)]
    low, high = 0, len(cuts) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if measure(text[: cuts[mid]].rstrip() + ELLIPSIS) <= width:
            low = mid
        else:
            high = mid - 1
    return text[: cuts[low]].rstrip() + ELLIPSIS


def _dash_break(word: str, width: float, measure: Measure) -> int | None:
    """Where a word wider than `width` may end its line after a slash or hyphen of its own:
    the last such place whose start fits ("near-real-" / "time"), or None."""
    ends = [match.start() for match in BREAK_AFTER.finditer(word)]
    fitting = _fitting_count(ends, lambda end: measure(word[:end]) <= width)
    return ends[fitting - 1] if fitting else None


def _pieces(text: str, at_dashes: bool) -> list[str]:
    """The pieces a line may end after, each but the first with the space before it: words,
    and with `at_dashes` the parts of a word after its slashes and hyphens."""
    words = text.split(" ")
    if not at_dashes:
        return [words[0], *(" " + word for word in words[1:])]
    return [
        part if index or not number else " " + part
        for number, word in enumerate(words)
        for index, part in enumerate(BREAK_AFTER.split(word))
    ]


def wrap(
    text: str,
    width: float,
    max_lines: int,
    measure: Measure,
    elide_to: Elide | None = None,
) -> tuple[str, ...]:
    """Greedy wrap of `text` into at most `max_lines` lines no wider than `width`; the last
    line holds the rest, elided (by `elide_to`, else `elide` with `measure`).

    Lines end at spaces, words kept whole. A word longer than a line breaks after a slash or
    hyphen of its own, unless cutting it where the line is full (`cut_word`) is what lets the
    whole text show; so the line still starts with the text's first letters. When whole words
    leave the text elided, lines may also end after any slash or hyphen, if that shows it all
    ("Streaming supply/" / "demand pipeline" on two lines rather than three).
    """

    def last(rest: str) -> str:
        return elide_to(rest, width) if elide_to else elide(rest, width, measure)

    def fill(rest: str, room: int, at_dashes: bool) -> tuple[list[str], bool]:
        """`rest` in at most `room` lines, and whether they hold all of it."""
        if room <= 1 or measure(rest) <= width:
            shown = last(rest)
            return [shown], shown == rest
        pieces = _pieces(rest, at_dashes)
        line = pieces[0]
        taken = 1
        while taken < len(pieces) and measure(line + pieces[taken]) <= width:
            line += pieces[taken]
            taken += 1
        if measure(line) <= width:
            after, whole = fill("".join(pieces[taken:]).removeprefix(" "), room - 1, at_dashes)
            return [line, *after], whole
        dash = _dash_break(line, width, measure)  # one long word: break it
        if dash is not None:
            after, whole = fill(rest[dash:].strip(), room - 1, at_dashes)
            if whole:
                return [line[:dash], *after], True
        head, cut = cut_word(line, width, measure)
        cut_after, cut_whole = fill(rest[cut:].strip(), room - 1, at_dashes)
        if dash is not None and not cut_whole:
            return [line[:dash], *after], False
        return [head, *cut_after], cut_whole

    rest = text.strip()
    if not rest:
        return (last(rest),)
    room = max(max_lines, 1)
    lines, whole = fill(rest, room, at_dashes=False)
    if not whole and BREAK_AFTER.search(rest):
        dashed, dashed_whole = fill(rest, room, at_dashes=True)
        if dashed_whole:
            return tuple(dashed)
    return tuple(lines)


def without_cut_hyphens(lines: Sequence[str], text: str) -> list[str]:
    """`lines` (`text` wrapped) without the hyphens added where a word was cut: a line ending
    in a hyphen the text does not have there."""
    kept: list[str] = []
    position = 0
    for line in lines:
        while text[position : position + 1] == " ":
            position += 1
        added = line.endswith(HYPHEN) and not text.startswith(line, position)
        if added and text.startswith(line[:-1], position):
            line = line[:-1]
        kept.append(line)
        position += len(line)
    return kept
