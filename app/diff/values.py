"""Small helpers shared by the diff, the merge and the canonical text: ordering and showing values."""

from __future__ import annotations

import os
import re
import unicodedata
from typing import Any

from app.domain.catalog import Catalog
from app.domain.json_number import ExactNumber, dumps
from app.domain.model import Component, Design
from app.domain.text import strip_bidi

SHORT = 60
_DIGITS = re.compile(r"(\d+)")
# Fields that record when a file was written, not what it means: never a difference.
BOOKKEEPING_META = frozenset({"modified"})
DESIGN_FIELDS = frozenset(
    {"format", "schema_version", "meta", "components", "links", "decisions", "rule_overrides"}
)


def created_unstated(design: Design) -> bool:
    """Whether the design's file does not say when it was created: the loader then fills in the
    time of loading, which differs from one load of the file to the next (not a fact of it)."""
    return "created" not in design.meta.model_fields_set


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that puts l2 before l10."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


def display_name(component: Component, catalog: Catalog) -> str:
    spec = catalog.kind(component.kind)
    return one_line(component.name or (spec.label if spec else component.kind)) or component.id


def one_line(text: str) -> str:
    """User text on one line: no control characters (a terminal escape) and no bidi controls
    that could reorder what follows it."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in strip_bidi(text))
    return " ".join(text.split())


def _exponent(value: float) -> str:
    """A large number in exponent form with as many digits as tell it apart (a diff showed
    1234567890123456 -> 1234568000000000 as '1.23457e+15 -> 1.23457e+15')."""
    target = float(value)
    for digits in range(5, 17):
        text = f"{target:.{digits}e}"
        if float(text) == target:
            break
    mantissa, exponent = text.split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"


def show(value: Any, unit: str | None = None) -> str:
    """A value for a one-line summary: unset, yes/no, numbers with their unit, short quoted text."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if type(value) is ExactNumber:
            number = value.text
        elif abs(value) >= 1e15:  # 1e+308, not in 309 digits
            number = _exponent(value)
        else:
            number = str(int(value)) if isinstance(value, float) and value.is_integer() else repr(value)
        return f"{number} {unit}" if unit else number
    if isinstance(value, str):
        text = one_line(value)
        if not text:
            return "empty"
        return repr(text if len(text) <= SHORT else text[: SHORT - 1] + "\u2026")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(one_line(v) for v in value) + "]" if value else "none"
    text = one_line(dumps(value, ensure_ascii=False, sort_keys=True))  # no bidi control either
    return text if len(text) <= SHORT else text[: SHORT - 1] + "\u2026"


def show_apart(values: list[Any], unit: str | None = None, absent: object = None) -> list[str]:
    """`show` of each value (`absent` as 'absent'); texts that differ only past what `show`
    keeps are each shown from a little before where they part from the text most like them
    ('…model A', '…model B'), so a conflict never lists values that look the same."""
    shown = ["absent" if v is absent else show(v, unit) for v in values]
    texts = [one_line(v) if isinstance(v, str) and v is not absent else None for v in values]
    if len({t for t in texts if t is not None}) < 2 or len(set(shown)) == len({repr(v) for v in values}):
        return shown
    if not all(isinstance(v, str) or v is absent for v in values):
        return shown
    for i, text in enumerate(texts):
        if text is None:
            continue
        shared = max(len(os.path.commonprefix([text, other])) for other in texts if other not in (None, text))
        start = max(0, shared - 20)
        shown[i] = show("\u2026" + text[start:]) if start else show(text)
    return shown


def property_unit(design_component: Component, name: str, catalog: Catalog) -> str | None:
    spec = catalog.kind(design_component.kind)
    prop = spec.property(name) if spec else None
    return prop.unit if prop else None


def extra_fields(design: Design) -> dict[str, Any]:
    """Top-level fields a newer tool wrote that this version does not know (kept on save)."""
    data = design.to_json_data()
    return {k: v for k, v in data.items() if k not in DESIGN_FIELDS}
