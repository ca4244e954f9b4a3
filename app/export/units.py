"""Property values and generated prose as a reader says them: 1440 h reads "60 days", 86400 s
"1 day", 3000000 "3,000,000". Shared by the PDF report and the Markdown export; the durations
themselves come from app.domain.units (a duration moves to a larger unit only when it is a
whole number of it: 36 h stays 36 hours).
"""

from __future__ import annotations

from app.domain.units import duration, figure, humanise_durations


def number(value: float) -> str:
    """A figure as app.domain.units.figure writes it: 3000000 -> "3,000,000"; 0.25 -> "0.25";
    1234567.89 -> "1,234,567.9"; 1e308 -> "1e+308"."""
    return figure(value)


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
    return f"{number(value)} {singular(unit) if value == 1 else unit}"


# Units that are counted nouns, and their one: "1 replica", "1 run/month", not "1 replicas".
_COUNTED = {
    "replicas", "accelerators", "items", "features", "tokens", "bytes", "runs", "predictions", "events",
}  # fmt: skip


def singular(unit: str) -> str:
    head, sep, rest = unit.partition("/")
    return (head[:-1] if head in _COUNTED else head) + sep + rest


def humanise_text(text: str) -> str:
    """Durations in generated prose as a reader says them ("1440 h" -> "60 days")."""
    return humanise_durations(text)
