"""Durations as a person says them: 1440 hours reads "60 days", 86400 s "1 day".

Used wherever generated text quotes a duration (the follow-up questions, rule messages quoted
in them). A duration moves to a larger unit only when it is a whole number of it (1440 h ->
60 days; 36 h stays 36 hours), so that no precision is lost; weeks are used from 8 weeks up
(14 days stays 14 days).
"""

from __future__ import annotations

import re

SECONDS_PER = {"ms": 0.001, "s": 1.0, "seconds": 1.0, "min": 60.0, "h": 3600.0, "hours": 3600.0}
SECONDS_PER.update({"hour": 3600.0, "days": 86400.0, "day": 86400.0})
# larger units first: (seconds, singular, plural)
STEPS = (
    (7 * 86400.0, "week", "weeks"),
    (86400.0, "day", "days"),
    (3600.0, "hour", "hours"),
    (60.0, "minute", "minutes"),
    (1.0, "second", "seconds"),
)
WEEKS_FROM = 8


HUGE = 1e15  # from here on a figure reads 1.2e+20, not in 21 digits


def figure(value: float) -> str:
    """3000000 -> "3,000,000"; 0.25 -> "0.25"; 12345.678 -> "12,345.7"; 1234567.89 ->
    "1,234,567.9"; 1e308 -> "1e+308" (not in 309 digits); six significant digits below 1,000."""
    magnitude = abs(value)
    if not magnitude < HUGE:  # inf and nan too
        return f"{value:.6g}"
    if float(value).is_integer():
        return f"{int(value):,}"
    if magnitude < 1000:
        return f"{value:.6g}"
    decimals = max(1, 6 - len(str(int(magnitude))))  # every whole digit, and at least one after
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def duration(value: float, unit: str) -> str | None:
    """`value` `unit` in the largest unit it is a whole number of; None when `unit` is not a
    duration unit. (1440, "hours") -> "60 days"; (36, "h") -> "36 hours"; (50, "ms") -> "50 ms"."""
    per = SECONDS_PER.get(unit)
    if per is None:
        return None
    seconds = value * per
    if unit == "ms" and seconds < 60:
        return f"{figure(value)} ms"
    for size, singular, plural in STEPS:
        if size < per:
            break  # never a smaller unit: 2.5 hours stays 2.5 hours
        if size == STEPS[0][0] and seconds < WEEKS_FROM * size:
            continue
        if seconds >= size and (seconds / size).is_integer():
            count = seconds / size
            return f"{figure(count)} {singular if count == 1 else plural}"
    words = {"h": ("hour", "hours"), "hours": ("hour", "hours"), "s": ("second", "seconds")}
    singular, plural = words.get(unit, (unit, unit))
    return f"{figure(value)} {singular if value == 1 else plural}"


def hours(value: float) -> str:
    """A number of hours as said aloud: 1440 -> "60 days", 24 -> "1 day", 36 -> "36 hours"."""
    return duration(value, "hours") or f"{value:g} hours"


# "1440 h", "1,440 h", "86400 s", "172800 seconds", "48 hours" (not "24h/7", not "ms", not "0.5 h")
_DURATION = re.compile(
    r"(?<![\w.,])((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s?(h|hours|s|seconds)\b(?![/\w])"
)


def humanise_durations(text: str) -> str:
    """The hour and second durations inside generated prose, as said aloud ("labels mature
    1440 h after the prediction" -> "labels mature 60 days after the prediction"). A duration
    that is no whole number of a larger unit keeps its figure and reads in words (36 h ->
    36 hours)."""

    def swap(match: re.Match[str]) -> str:
        return duration(float(match.group(1).replace(",", "")), match.group(2)) or match.group(0)

    return _DURATION.sub(swap, text)
