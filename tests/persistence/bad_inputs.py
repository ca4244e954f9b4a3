"""A corpus of damaged and hostile design files, each with the words its error must contain.

Shared by the loader tests, the CLI tests and the window's error-dialog tests.
"""

from __future__ import annotations

import json

VALID = {
    "format": "mlsd-studio/design",
    "schema_version": 3,
    "meta": {"title": "t"},
    "components": [
        {"id": "a", "kind": "data_source", "name": "A", "position": {"x": 0, "y": 0}},
        {"id": "b", "kind": "model", "name": "B", "position": {"x": 1, "y": 0}},
    ],
    "links": [{"id": "l1", "source": "a", "target": "b", "flow": "data"}],
}


def _with(**changes) -> bytes:
    data = json.loads(json.dumps(VALID))
    data.update(changes)
    return json.dumps(data).encode()


def _component(**changes) -> bytes:
    data = json.loads(json.dumps(VALID))
    data["components"][1].update(changes)
    return json.dumps(data).encode()


def _long_with_overflow() -> bytes:
    """600 components (validated in slices), the 551st at y 1e400."""
    data = json.loads(json.dumps(VALID))
    data["components"] = [
        {"id": f"c{i}", "kind": "model", "name": "M", "position": {"x": 0, "y": 1e400 if i == 550 else 0}}
        for i in range(600)
    ]
    data["links"] = []
    return json.dumps(data).encode().replace(b"Infinity", b"1e400")


VALID_BYTES = json.dumps(VALID).encode()
_NAN_IN_TITLE = _with(meta={"title": '"NaN" Infinity 9'}).replace(b'"x": 1', b'"x": NaN')
_X1 = VALID_BYTES.index(b'"x": 1') + len('"x": ') + 1  # the column of the first x's value

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "file is empty"),
    "whitespace": (b"  \n\t ", "only white space"),
    "zeros": (b"\x00" * 4096, "only zero bytes"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    "truncated": (VALID_BYTES[: len(VALID_BYTES) // 2], "truncated"),
    # cut inside a string: json says "Unterminated string starting at" (a sentence cut short)
    "truncated_in_a_string": (
        VALID_BYTES[: VALID_BYTES.index(b'"B"') + 2],
        "at line 1 column 210: invalid JSON: a string that starts here is never closed "
        "(the file ends too early: truncated?)",
    ),
    "utf16_bom": ("\ufeff".encode("utf-16-le") + VALID_BYTES.decode().encode("utf-16-le"), "UTF-16"),
    "not_utf8": (VALID_BYTES.replace(b'"A"', b'"\xe9t\xe9"'), "not valid UTF-8"),
    "deeply_nested": (
        b'{"format": "mlsd-studio/design", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "nested",
    ),
    "nan": (VALID_BYTES.replace(b'"x": 1', b'"x": NaN'), f"at line 1 column {_X1}: NaN is not allowed"),
    "infinity": (
        VALID_BYTES.replace(b'"x": 1', b'"x": -Infinity'),
        f"at line 1 column {_X1}: -Infinity is not allowed",
    ),
    "nan_after_a_string_holding_nan": (
        _NAN_IN_TITLE,
        f"at line 1 column {_NAN_IN_TITLE.index(b': NaN') + 3}: NaN is not allowed",
    ),
    "position_beyond_the_canvas": (
        _component(position={"x": 1e308, "y": 0}),
        "at $.components[1].position.x: Input should be less than or equal to 1000000000, got 1e+308",
    ),
    "huge_float": (
        VALID_BYTES.replace(b'"x": 1', b'"x": 1e999'),
        "at $.components[1].position.x: the number is too large",
    ),
    "huge_float_property": (
        _component(kind="endpoint", properties={"qps": 1e400}).replace(b"Infinity", b"1e400"),
        "at $.components[1].properties.qps: the number is too large (more than 1.8e308)",
    ),
    "huge_negative_float_property_and_another_problem": (
        _component(properties={"params_millions": -1e400}, name=5).replace(b"Infinity", b"1e400"),
        "at $.components[1].name: Input should be a valid string",
    ),
    "huge_float_in_a_long_list": (
        _long_with_overflow(),
        "at $.components[550].position.y: the number is too large",
    ),
    "huge_int_digits": (
        VALID_BYTES.replace(b'"x": 1', b'"x": ' + b"9" * 5000),
        f"at line 1 column {_X1}: a number has too many digits",
    ),
    "huge_int_property": (
        _component(properties={"params_millions": 10**400}),
        "at $.components[1].properties.params_millions: the number is too large",
    ),
    "huge_int_int_property": (
        _component(kind="training_job", properties={"accelerator_count": -(10**400)}),
        "at $.components[1].properties.accelerator_count: the number is too large",
    ),
    "top_level_array": (b"[1, 2, 3]", "expected a JSON object"),
    "not_a_design": (b'{"hello": "world"}', "not an MLSD Studio design"),
    "future_version": (_with(schema_version=7), "newer MLSD Studio"),
    "version_string": (_with(schema_version="1"), "schema_version must be a whole number"),
    "duplicate_component_ids": (
        _with(components=[VALID["components"][0], VALID["components"][0]], links=[]),
        "duplicate component id 'a'",
    ),
    "duplicate_keys": (VALID_BYTES.replace(b'"title": "t"', b'"title": "t", "title": "u"'), "appears twice"),
    "dangling_link": (
        _with(links=[{"id": "l1", "source": "a", "target": "ghost"}]),
        "missing component 'ghost'",
    ),
    "self_link": (_with(links=[{"id": "l1", "source": "a", "target": "a"}]), "to itself"),
    "wrong_type_components": (_with(components={"a": 1}), "components"),
    "wrong_type_position": (_component(position={"x": "left", "y": 0}), "components[1].position.x"),
    "wrong_enum_property": (_component(properties={"family": "quantum"}), "not one of"),
    "wrong_property_type": (_component(properties={"params_millions": "big"}), "params_millions"),
    # Refused by every member of the properties' union: one place and what they accept, not the
    # first member's complaint at a place of pydantic's making ('params_millions.bool: Input
    # should be a valid boolean (and 4 more problems)').
    "array_property": (
        _component(properties={"params_millions": [1]}),
        "at $.components[1].properties.params_millions: expected true/false, a number, a string or a "
        "list of strings, got an array holding a number",
    ),
    "object_property": (
        _component(properties={"x": {"y": 1}}),
        "at $.components[1].properties.x: expected true/false, a number, a string or a list of strings, "
        "got an object",
    ),
    "unknown_flow": (
        _with(links=[{"id": "l1", "source": "a", "target": "b", "flow": "teleport"}]),
        "links[0].flow",
    ),
    "missing_id": (_component(id=None), "components[1].id"),
    # Valid JSON, invalid text (the rule is app/domain/safe_text.py): a lone surrogate cannot
    # be written as UTF-8; NUL and ESC would reach C libraries, XML and terminals.
    "lone_surrogate": (_component(name="\ud800"), "$.components[1].name: text holds a lone surrogate U+D800"),
    "lone_low_surrogate_in_notes": (
        _with(meta={"title": "t", "notes": "fine \udfff"}),
        "$.meta.notes: text holds a lone surrogate U+DFFF",
    ),
    "lone_surrogate_in_a_key": (
        _component(properties={"\udc00": 1}),
        "$.components[1].properties: the key '\\udc00' holds a lone surrogate",
    ),
    "nul_in_text": (
        _component(name="a\x00b"),
        "$.components[1].name: text holds the control character U+0000 (NUL)",
    ),
    "escape_sequence_in_text": (
        _component(technology="\x1b]0;pwned\x07"),
        "$.components[1].technology: text holds the control character U+001B (ESC)",
    ),
}


def million_components() -> bytes:
    head = b'{"format": "mlsd-studio/design", "schema_version": 3, "components": ['
    one = b'{"id": "c%d", "kind": "model"}'
    body = b",".join(one % i for i in range(1_000_000))
    return head + body + b"]}"
