"""Numbers and durations as a reader says them: 1440 h reads "60 days", 86400 s "1 day",
3000000 "3,000,000". Shared by the PDF report and the Markdown export.

humanise_value() formats a property value with its catalog unit; humanise_text() rewrites the
durations inside generated prose (rule messages such as "labels mature 1440 h after the
prediction"). A duration is rewritten only when it is a whole number of a larger unit
(1440 h -> 60 days; 36 h stays 36 hours) so that no precision is lost.
"""

from __future__ import annotations

import re

# unit name -> seconds
_SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "hours": 3600.0,
    "hour": 3600.0,
    "days": 86400.0,
    "day": 86400.0,
}
# larger units first: (seconds, singular, plural)
_STEPS = (
    (7 * 86400.0, "week", "weeks"),
    (86400.0, "day", "days"),
    (3600.0, "hour", "hours"),
    (60.0, "minute", "minutes"),
    (1.0, "second", "seconds"),
)
_UNIT_NAMES = {"h": ("hour", "hours"), "hours": ("hour", "hours"), "days": ("day", "days")}


def number(value: float) -> str:
    """3000000 -> "3,000,000"; 0.25 -> "0.25"; 12345.678 -> "12,345.7"."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.6g}"


def _count(value: float, singular: str, plural: str) -> str:
    return f"{number(value)} {singular if value == 1 else plural}"


def duration(value: float, unit: str) -> str | None:
    """A duration in the largest unit it is a whole number of (weeks only from 8 weeks up, so
    that 14 days stays "14 days"); None when `unit` is not a duration unit."""
    seconds_per = _SECONDS.get(unit)
    if seconds_per is None:
        return None
    seconds = value * seconds_per
    if unit == "ms" and seconds < 60:
        return f"{number(value)} ms"
    for size, singular, plural in _STEPS:
        if size == 7 * 86400.0 and seconds < 8 * size:
            continue
        if seconds >= size and (seconds / size).is_integer():
            return _count(seconds / size, singular, plural)
    if unit in _UNIT_NAMES:
        return _count(value, *_UNIT_NAMES[unit])
    return f"{number(value)} {unit}"


def humanise_value(value: float, unit: str | None) -> str:
    """A number with its unit as read aloud: (1440, "hours") -> "60 days"; (50, "ms") -> "50 ms";
    (0.08, "fraction") -> "0.08 (8%)"; (3000000, None) -> "3,000,000"."""
    if unit is None:
        return number(value)
    spoken = duration(value, unit)
    if spoken is not None:
        return spoken
    if unit == "fraction":
        return f"{number(value)} ({value * 100:.3g}%)"
    if unit == "%":
        return f"{number(value)}%"
    return f"{number(value)} {unit}"


# "1440 h", "86400 s", "172800 seconds", "48 hours" (not "1 h/24 h" inside a word, not "ms")
_DURATION = re.compile(r"(?<![\w.,])(\d{2,}(?:\.\d+)?)\s?(h|hours|s|seconds)\b(?![/\w])")


def humanise_text(text: str) -> str:
    """Durations and large counts in generated prose as a reader says them."""

    def swap(match: re.Match[str]) -> str:
        value = float(match.group(1))
        unit = {"seconds": "s"}.get(match.group(2), match.group(2))
        spoken = duration(value, unit)
        if spoken is None or spoken.split()[-1] in ("hour", "hours", "second", "seconds"):
            return match.group(0)  # not a whole number of a larger unit: as written
        return spoken

    return _DURATION.sub(swap, text)
