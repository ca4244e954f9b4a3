"""Hypothesis fuzzes the loader: the only exception that may escape is DesignLoadError."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.persistence import DesignLoadError, load_design_bytes
from tests.persistence.bad_inputs import VALID

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)
PATHS = [
    ("meta",),
    ("components",),
    ("components", 0),
    ("components", 0, "properties"),
    ("components", 1, "kind"),
    ("components", 1, "position"),
    ("links",),
    ("links", 0, "source"),
    ("links", 0, "flow"),
    ("decisions",),
    ("rule_overrides",),
    ("schema_version",),
]


def _load(raw: bytes) -> None:
    try:
        load_design_bytes(raw, "fuzz.mlsd")
    except DesignLoadError as exc:
        assert str(exc).startswith("fuzz.mlsd")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), json_values)
def test_mutated_valid_designs_only_raise_load_errors(path, value):
    data = json.loads(json.dumps(VALID))
    data.setdefault("decisions", [])
    data.setdefault("rule_overrides", {})
    target = data
    try:
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    except (IndexError, KeyError, TypeError):
        return
    _load(json.dumps(data).encode())


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_random_json_only_raises_load_errors(value):
    _load(json.dumps(value).encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_only_raise_load_errors(raw):
    _load(raw)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=400), st.binary(min_size=1, max_size=4))
def test_byte_flips_in_a_valid_file_only_raise_load_errors(position, junk):
    raw = bytearray(json.dumps(VALID).encode())
    position %= len(raw)
    raw[position : position + len(junk)] = junk
    _load(bytes(raw))
