"""File stability: the same design saves to the same bytes; a one-field edit changes one line."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from app.domain.model import Decision, Design
from app.persistence import design_to_bytes, load_design, load_design_bytes, save_design
from app.resources import resource_path


def _example() -> Design:
    return load_design(resource_path("examples", "example.mlsd")).design


def _with_decision() -> Design:
    design = _example()
    design.decisions.append(
        Decision(id="d1", rule="R24", components=["ranker"], rationale="Fine for now", date="2026-01-01")
    )
    return design


def test_saving_twice_gives_the_same_bytes(tmp_path):
    design = _example()
    first = save_design(design, tmp_path / "a.mlsd", touch_modified=False)
    second = save_design(load_design(tmp_path / "a.mlsd").design, tmp_path / "b.mlsd", touch_modified=False)
    assert first == second == (tmp_path / "b.mlsd").read_bytes()


def test_files_in_the_older_layout_load_and_resave_canonically(tmp_path):
    design = _example()
    old_layout = json.dumps(design.to_json_data(), indent=2, ensure_ascii=False) + "\n"
    path = tmp_path / "old.mlsd"
    path.write_text(old_layout, encoding="utf-8")
    loaded = load_design(path).design
    assert loaded.to_json_data() == design.to_json_data()
    assert design_to_bytes(loaded) == design_to_bytes(design)
    assert json.loads(design_to_bytes(design)) == json.loads(old_layout)


def _set_prop(cid: str, name: str, value: object) -> Callable[[Design], None]:
    def edit(d: Design) -> None:
        if value is None:
            d.component_by_id()[cid].properties.pop(name, None)
        else:
            d.component_by_id()[cid].properties[name] = value

    return edit


EDITS: dict[str, Callable[[Design], None]] = {
    "component name": lambda d: setattr(d.component_by_id()["ranker"], "name", "Ranker v2"),
    "technology": lambda d: setattr(d.component_by_id()["ranker"], "technology", "XGBoost"),
    "existing property": _set_prop("ann_index", "ttl_s", 60.0),
    "new property": _set_prop("ann_index", "size_gb", 12.0),
    "unset property": _set_prop("ann_index", "latency_ms", None),
    "set-valued property": _set_prop("ab_test", "guardrails", ["p99 latency"]),
    "move": lambda d: setattr(
        d.component_by_id()["ranker"],
        "position",
        d.component_by_id()["ranker"].position.model_copy(update={"x": 10.0, "y": 20.0}),
    ),
    "pin": lambda d: setattr(d.component_by_id()["ranker"], "pinned", True),
    "link flow": lambda d: setattr(d.links[3], "flow", "eval"),
    "link feedback": lambda d: setattr(d.links[0], "feedback", True),
    "meta title": lambda d: setattr(d.meta, "title", "New title"),
    "override added": lambda d: d.rule_overrides.__setitem__("R3", "off"),
    "decision rationale": lambda d: setattr(d.decisions[0], "rationale", "Accepted after review"),
    "decision components": lambda d: setattr(d.decisions[0], "components", ["ranker", "ab_test"]),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_one_field_edit_changes_exactly_one_line(name):
    design = _with_decision()
    before = design_to_bytes(design).decode("utf-8").splitlines()
    EDITS[name](design)
    after = design_to_bytes(design).decode("utf-8").splitlines()
    assert len(after) == len(before), "no line added or removed"
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(changed) == 1, [(before[i], after[i]) for i in changed]
    assert load_design_bytes("\n".join(after).encode()).design.to_json_data() == design.to_json_data()


def test_saving_an_edit_also_stamps_modified_on_its_own_line(tmp_path):
    design = _example()
    path = tmp_path / "d.mlsd"
    before = save_design(design, path, touch_modified=False).decode().splitlines()
    design.meta.modified = "2000-01-01T00:00:00+00:00"
    design.meta.title = "Edited"
    after = save_design(design, path).decode().splitlines()
    changed = {b.split(":")[0].strip() for a, b in zip(before, after, strict=True) if a != b}
    assert changed == {'"title"', '"modified"'}


def test_a_file_that_does_not_say_when_it_was_created_reads_the_same_at_any_time():
    """The loader stamps such a file with the time of loading: `mlsd textconv` printed it
    ('meta created = "2026-12-07T20:09:07+00:00"'), so one revision's text changed from one
    second to the next (a spurious line in `git diff`, a stale textconv cache), and a diff of two
    such files could report their creation as changed."""
    from app.diff import diff_designs
    from app.diff.textconv import design_text

    data = b'{"format": "mlsd-studio/design", "schema_version": 3, "meta": {"title": "t"}}'
    earlier, later = load_design_bytes(data).design, load_design_bytes(data).design
    earlier.meta.__dict__["created"] = "2026-01-01T00:00:00+00:00"  # as two loads a second apart
    later.meta.__dict__["created"] = "2026-01-01T00:00:01+00:00"
    assert design_text(earlier) == design_text(later)
    assert "created" not in design_text(later)
    assert diff_designs(earlier, later).is_empty()
    stated = load_design(resource_path("examples", "example.mlsd")).design
    assert 'meta created = "' in design_text(stated)  # a date the file gives is a fact of it
    moved = load_design(resource_path("examples", "example.mlsd")).design
    moved.meta.created = "2027-01-01T00:00:00+00:00"
    assert [c.field for c in diff_designs(stated, moved).changes] == ["created"]
