"""The loader's fast path (app/persistence/trusted.py) gives exactly the Design pydantic's
validation gives, or steps aside: same fields, values of the same types, same extras and
same set fields; for data pydantic refuses or converts it answers None, so every error message
stays pydantic's own (tests/persistence/test_bad_inputs.py holds those messages)."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from app.domain import model
from app.domain.model import Design, empty_design
from app.persistence import load_design
from app.persistence.loader import VALIDATE_SLICE
from app.persistence.trusted import construct_trusted

ROOT = Path(__file__).resolve().parents[2]
DESIGN_FILES = sorted(
    [*ROOT.glob("resources/**/*.mlsd"), *ROOT.glob("tests/rules/variants/**/*.mlsd")]
)
EXAMPLE = ROOT / "resources" / "examples" / "example.mlsd"


class _StoppedClock(datetime):
    """A clock that stands still: a design without its times gets the same default times on
    both paths, however long apart they run."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _StoppedClock:
        return cls(2026, 1, 2, 3, 4, 5, tzinfo=tz)


@pytest.fixture(scope="module", autouse=True)
def _stopped_clock() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "datetime", _StoppedClock)
        yield


def assert_same(ours: Any, theirs: Any, where: str = "$") -> None:
    """Equal values of identical types all the way down, models field by field."""
    assert type(ours) is type(theirs), f"{where}: {type(ours).__name__} != {type(theirs).__name__}"
    if isinstance(theirs, BaseModel):
        assert list(vars(ours)) == list(vars(theirs)), f"{where}: field order"
        assert ours.model_fields_set == theirs.model_fields_set, f"{where}: fields set"
        assert_same(ours.__pydantic_extra__, theirs.__pydantic_extra__, f"{where}(extra)")
        assert_same(ours.__pydantic_private__, theirs.__pydantic_private__, f"{where}(private)")
        for name, value in vars(theirs).items():
            assert_same(vars(ours)[name], value, f"{where}.{name}")
    elif isinstance(theirs, dict):
        assert list(ours) == list(theirs), f"{where}: keys"
        for key, value in theirs.items():
            assert_same(ours[key], value, f"{where}.{key}")
    elif isinstance(theirs, list):
        assert len(ours) == len(theirs), f"{where}: length"
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


def _validated(data: Any) -> Design | None:
    try:
        return Design.model_validate(copy.deepcopy(data))
    except ValidationError:
        return None


@pytest.mark.parametrize("path", DESIGN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_design_takes_the_fast_path_and_matches_validation(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("schema_version") != 3:
        pytest.skip("older files are migrated first")
    trusted = construct_trusted(copy.deepcopy(data))
    assert trusted is not None
    validated = _validated(data)
    assert validated is not None
    assert_same(trusted, validated)
    assert trusted.model_dump(mode="json") == validated.model_dump(mode="json")


def test_the_fast_path_builds_no_validator_and_a_later_edit_still_validates() -> None:
    import subprocess
    import sys

    code = (
        "import json\n"
        "from app.persistence import load_design_bytes\n"
        "from app.domain.model import Component, Design, Meta, Position\n"
        f"data = json.load(open({str(EXAMPLE)!r}, encoding='utf-8'))\n"
        "del data['meta']\n"
        "for component in data['components']:\n"
        "    component.pop('position')\n"
        "design = load_design_bytes(json.dumps(data).encode()).design\n"
        "built = [m.__name__ for m in (Design, Component, Meta, Position) if m.__pydantic_complete__]\n"
        "assert not built, built\n"
        "assert design.components[0].position == Position(x=0, y=0)\n"
        "try:\n"
        "    Component(id='', kind='model')\n"
        "except ValueError as exc:\n"
        "    print('refused', type(exc).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "refused ValidationError"


# ---- any value anywhere: the fast path matches validation, or steps aside --------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**400), 10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["", "model", "data", "serve", "accepted", "off", "mlsd-studio/design", "x"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["a", "_b", "x"]), inner, max_size=2),
    max_leaves=6,
)


def _places(data: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the data (object members and list items), root excluded."""
    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found.append((*where, key))
        found += _places(value, (*where, key))
    return found


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_changed_value_anywhere_gives_the_validated_design_or_none(data: st.DataObject) -> None:
    design = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    design["decisions"] = [
        {
            "id": "d1",
            "title": "Store",
            "status": "accepted",
            "options": [{"name": "a", "pros": ["p"], "cons": []}, {"name": "b"}],
            "chosen": "a",
            "extra_field": {"k": 1},
        }
    ]
    design["rule_overrides"] = {"R1": "off"}
    for _ in range(data.draw(st.integers(1, 3))):
        place = data.draw(st.sampled_from(_places(design)))
        holder = design
        for key in place[:-1]:
            holder = holder[key]
        if data.draw(st.booleans()) and isinstance(holder, dict):
            holder[data.draw(st.sampled_from(["x", "_private", "id", place[-1]]))] = data.draw(JSON_VALUES)
        else:
            holder[place[-1]] = data.draw(JSON_VALUES)
    validated = _validated(design)
    trusted = construct_trusted(copy.deepcopy(design))
    if validated is None:
        assert trusted is None, "the fast path accepted data pydantic refuses"
    elif trusted is not None:
        assert_same(trusted, validated)


@pytest.mark.parametrize(
    ("change", "taken"),
    [
        (lambda d: d["components"][0]["position"].update(x=3), True),  # a whole number: made a float
        (lambda d: d["components"][0].update(unknown={"kept": [1]}), True),  # an extra, kept as is
        (lambda d: d["components"][0].pop("position"), True),  # the default position
        (lambda d: d.pop("meta"), True),  # the default title, goals ... (and the clock's times)
        (lambda d: d["components"][0].update(pinned=1), False),  # pydantic reads 1 as true
        (lambda d: d["components"][0]["properties"].update(rate=math.inf), False),
        (lambda d: d["components"][0]["position"].update(x=10**400), False),
        (lambda d: d["links"][0].update(flow="nonsense"), False),
        (lambda d: d["meta"].update(goals=("a",)), False),
        (lambda d: d.update(_component_index={}), False),
    ],
)
def test_converted_or_refused_values_match_validation(change: Any, taken: bool) -> None:
    design = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    change(design)
    trusted = construct_trusted(copy.deepcopy(design))
    assert (trusted is not None) == taken
    if trusted is not None:
        validated = _validated(design)
        assert validated is not None
        for meta in (trusted.meta, validated.meta):  # a missing meta's times are the clock's
            meta.__dict__.update(created="then", modified="then")
        assert_same(trusted, validated)


def test_long_lists_are_still_validated_in_slices(tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    extra = [
        {"id": f"more{i}", "kind": "data_source", "position": {"x": i, "y": 0}}
        for i in range(VALIDATE_SLICE + 1)
    ]
    data["components"] += extra
    path = tmp_path / "big.mlsd"
    path.write_text(json.dumps(data), encoding="utf-8")
    design = load_design(path).design
    assert_same(design, Design.model_validate(data))


def test_an_empty_design_built_without_validators_equals_design() -> None:
    ours, theirs = empty_design(), Design()
    for design in (ours, theirs):  # the same clock reading in both
        design.meta.created = design.meta.modified = "2026-01-01T00:00:00+00:00"
    assert_same(ours, theirs)
    assert ours == theirs and ours.to_json_data() == theirs.to_json_data()


def test_first_uses_from_many_threads_at_once_build_each_validator_safely() -> None:
    """Validators are built on first use (defer_build); pydantic's rebuild is not thread-safe,
    so the models build one at a time (app/domain/model.py). A fresh process, so nothing is
    built before the threads start."""
    import subprocess
    import sys

    code = f"""
import json, threading
from app.domain.model import Component, Design, Link, Meta
from app.persistence.loader import VALIDATE_SLICE, load_design_bytes
data = json.loads(open({str(EXAMPLE)!r}, encoding="utf-8").read())
big = dict(data, components=data["components"] + [
    {{"id": f"more{{i}}", "kind": "data_source"}} for i in range(VALIDATE_SLICE + 1)])
barrier = threading.Barrier(6)
errors, results = [], []
def run(work):
    barrier.wait()
    try:
        results.append(work())
    except BaseException as exc:
        errors.append(repr(exc))
works = [
    lambda: Design.model_validate(data).components[0].position.x,
    lambda: load_design_bytes(json.dumps(big).encode()).design.components[-1].id,
    lambda: Component(id="a", kind="model").position.x,
    lambda: Link(id="l", source="a", target="b").flow,
    lambda: Design().to_json_data()["schema_version"],
    lambda: Meta(title="t").model_dump()["title"],
]
threads = [threading.Thread(target=run, args=(w,)) for w in works]
for t in threads: t.start()
for t in threads: t.join()
print(errors, sorted(map(str, results)))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    errors, _, results = done.stdout.partition("] ")
    assert errors == "[", done.stdout
    design = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    x = str(float(design["components"][0]["position"]["x"]))
    assert results.strip() == str(sorted(["0.0", "3", "data", x, f"more{VALIDATE_SLICE}", "t"]))


def test_every_field_of_every_model_has_its_check() -> None:
    """A field added to a model without a check here would send every file to pydantic."""
    from app.domain import model
    from app.persistence import trusted

    pairs: dict[type[BaseModel], dict[str, Any]] = {
        model.Design: trusted._DESIGN,
        model.Meta: trusted._META,
        model.Component: trusted._COMPONENT,
        model.Position: trusted._POSITION,
        model.Link: trusted._LINK,
        model.Decision: trusted._DECISION,
        model.DecisionOption: trusted._OPTION,
    }
    for cls, checks in pairs.items():
        assert set(checks) == set(cls.model_fields), cls.__name__


def test_the_clock_stands_still_for_these_comparisons() -> None:
    assert model.now_iso() == model.now_iso() == "2026-01-02T03:04:05+00:00"
