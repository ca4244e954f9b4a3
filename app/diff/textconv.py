"""The canonical text of a design: one line per fact, for `git diff` and `git log -p`.

    meta title = "Video recommendations"
    component ranker kind = "model"
    component ranker properties.p99_latency_ms = 50.0
    component ranker position = 220, 140
    link l1 store -> ranker
    link l1 flow = "feature"
    decision d1 rationale = "..."
    override R24 = "off"

Components, links and decisions are sorted by id, their fields in the model's order; values
are JSON on one line (a newline in a note is written \\n). Empty values are left out, so a
field being filled in reads as an added line. meta.modified (when the file was saved) is left
out: saving changes no line; so is meta.created when the file does not say it (the loader's
clock, not a fact of the file). A link's ends are also written as one "a -> b" line, so a
retargeted link reads as such.
"""

from __future__ import annotations

from typing import Any

from app.diff.values import BOOKKEEPING_META, DESIGN_FIELDS, created_unstated, natural_key
from app.domain.json_number import dumps
from app.domain.model import Design
from app.domain.text import json_escape_bidi


def value_text(value: Any) -> str:
    """A value as one line of JSON; bidi controls escaped so a name cannot reorder the line."""
    return json_escape_bidi(dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _fields(prefix: str, data: dict[str, Any]) -> list[str]:
    lines = []
    for key, value in data.items():
        if key == "id" or _empty(value):
            continue
        if key == "properties" and isinstance(value, dict):
            lines += [
                f"{prefix} properties.{name} = {value_text(v)}" for name, v in value.items() if v is not None
            ]
        elif key == "position" and isinstance(value, dict) and set(value) == {"x", "y"}:
            lines.append(f"{prefix} position = {_number(value['x'])}, {_number(value['y'])}")
        else:
            lines.append(f"{prefix} {key} = {value_text(value)}")
    return lines


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value_text(value)


def _word(text: str) -> str:
    """An id as a bare word when it is one, else as JSON text."""
    return text if text and all(ch.isalnum() or ch in "_-.:" for ch in text) else value_text(text)


def design_text(design: Design) -> str:
    data = design.to_json_data()
    lines = [f"format {data.get('format')} version {data.get('schema_version')}"]
    unstated = {"created"} if created_unstated(design) else set()
    for key, value in data["meta"].items():
        if key not in BOOKKEEPING_META and key not in unstated and not _empty(value):
            lines.append(f"meta {key} = {value_text(value)}")
    for key in sorted(k for k in data if k not in DESIGN_FIELDS):
        lines.append(f"design {key} = {value_text(data[key])}")
    for name, word in (("components", "component"), ("links", "link"), ("decisions", "decision")):
        for item in sorted(data[name], key=lambda i: natural_key(str(i.get("id")))):
            prefix = f"{word} {_word(str(item['id']))}"
            if word == "link":
                lines.append(f"{prefix} {_word(item['source'])} -> {_word(item['target'])}")
                item = {k: v for k, v in item.items() if k not in ("source", "target")}
            elif word == "component":
                lines.append(prefix)
            lines += _fields(prefix, item)
    for rule in sorted(data["rule_overrides"], key=natural_key):
        lines.append(f"override {_word(rule)} = {value_text(data['rule_overrides'][rule])}")
    return "\n".join(lines) + "\n"
