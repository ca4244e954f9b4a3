"""The semantic diff: changes by meaning, findings introduced and resolved, coverage."""

from __future__ import annotations

import pytest

from app.diff import Change, diff_designs
from app.diff.formats import diff_to_json, diff_to_markdown, diff_to_text
from app.diff.values import show
from app.domain.model import Decision, Design
from app.persistence import load_design
from app.resources import resource_path
from tests.factories import DesignBuilder


@pytest.fixture
def pair(catalog) -> tuple[Design, Design]:
    b = DesignBuilder(catalog)
    model = b.add("model", "Ranker", id="ranker", p99_latency_ms=50.0)
    store = b.add("feature_store", "Features", id="store")
    b.link(store, model)
    old = b.design
    return old, old.model_copy(deep=True)


def _example() -> Design:
    return load_design(resource_path("examples", "example.mlsd")).design


def test_same_design_is_empty():
    design = _example()
    diff = diff_designs(design, design.model_copy(deep=True))
    assert diff.is_empty() and diff.changes == () and diff.introduced == () and diff.resolved == ()
    assert diff_to_text(diff).startswith("No changes in meaning.")
    assert diff_to_json(diff)["same"] is True


def test_property_change_carries_old_new_and_unit(pair):
    old, new = pair
    new.component_by_id()["ranker"].properties["p99_latency_ms"] = 80.0
    diff = diff_designs(old, new)
    assert diff.changes == (
        Change(
            "changed",
            "component",
            "ranker",
            "properties.p99_latency_ms",
            50.0,
            80.0,
            "Ranker: p99_latency_ms 50 ms -> 80 ms",
        ),
    )


def test_moves_are_hidden_unless_asked(pair):
    old, new = pair
    new.component_by_id()["ranker"].position.x += 40
    assert diff_designs(old, new).is_empty()
    moved = diff_designs(old, new, positions=True).changes
    assert [(c.id, c.field) for c in moved] == [("ranker", "position")]


def test_added_removed_renamed_retargeted_override_decision_meta(pair, catalog):
    old, new = pair
    new.components.append(new.components[0].model_copy(update={"id": "ranker2", "name": "Second"}))
    new.invalidate_indexes()
    new.link_by_id()["l1"].target = "ranker2"
    new.link_by_id()["l1"].flow = "data"
    new.component_by_id()["store"].name = "Online features"
    new.rule_overrides["R3"] = "off"
    new.decisions.append(Decision(id="d1", rule="R24", rationale="fine for now", date="2026-01-01"))
    new.meta.title = "Renamed design"
    new.meta.modified = "2030-01-01T00:00:00+00:00"  # when it was saved: not a change
    got = {(c.action, c.target, c.id, c.field) for c in diff_designs(old, new).changes}
    assert got == {
        ("added", "component", "ranker2", ""),
        ("changed", "component", "store", "name"),
        ("changed", "link", "l1", "target"),
        ("changed", "link", "l1", "flow"),
        ("added", "override", "R3", "level"),
        ("added", "decision", "d1", ""),
        ("changed", "meta", "title", "title"),
    }


def test_findings_introduced_and_resolved_and_coverage():
    old = _example()
    new = old.model_copy(deep=True)
    monitors = [c.id for c in new.components if catalog_stage(c.kind) == "monitoring"]
    new.components = [c for c in new.components if c.id not in monitors]
    new.links = [lk for lk in new.links if lk.source not in monitors and lk.target not in monitors]
    new.invalidate_indexes()
    forward = diff_designs(old, new)
    assert forward.introduced and "monitoring" in forward.coverage_lost()
    back = diff_designs(new, old)
    assert {f.rule for f in back.resolved} == {f.rule for f in forward.introduced}
    assert back.coverage_gained() == ["monitoring"]
    assert "no longer covers" in diff_to_text(forward)


def catalog_stage(kind: str) -> str | None:
    from app.domain.catalog import default_catalog

    return default_catalog().stage_of(kind)


def test_markdown_escapes_user_text(pair):
    old, new = pair
    new.component_by_id()["ranker"].name = "Evil ![x](http://e/x.png) <img src=x> | `code` *b*"
    md = diff_to_markdown(diff_designs(old, new))
    assert "<img" not in md and "![x](" not in md and "`code`" not in md
    assert "&lt;img src=x&gt;" in md and r"\!\[x\]\(http://e/x.png\)" in md and r"\|" in md


def test_changed_options_read_by_name_and_carry_no_bidi_control():
    old = Design()
    old.decisions.append(
        Decision.model_validate(
            {
                "id": "d1",
                "title": "Retrieval",
                "date": "2026-01-01",
                "options": [
                    {"name": "Two-tower with an approximate nearest-neighbour index", "pros": ["Scales"]},
                    {"name": "Matrix factorisation"},
                ],
            }
        )
    )
    new = old.model_copy(deep=True)
    new.decisions[0].options[0].cons = ["An index to rebuild nightly"]
    del new.decisions[0].options[1]
    new.decisions[0].options.insert(0, type(new.decisions[0].options[0])(name="\u202eEvil"))
    (change,) = diff_designs(old, new).changes
    assert change.summary == (
        "Decision d1 ('Retrieval'): options added 'Evil'; removed 'Matrix factorisation'; "
        "'Two-tower with an approximate nearest-neighbour index': cons changed"
    )
    assert show([{"name": "\u202eEvil"}]) == '[{"name": "Evil"}]'  # a value shown as JSON (extra fields)


ITEM_STARTS = [("1. Ranker", "- 1\\. Ranker"), ("- Ranker", "- \\- Ranker"), ("# Ranker", "- \\# Ranker")]


@pytest.mark.parametrize(("name", "item"), ITEM_STARTS)
def test_markdown_item_starting_like_a_list_or_heading_stays_one_item(catalog, name, item):
    """A change line starts with the component's name: "- 1. Ranker: ..." would render as an
    ordered list nested in the bullet, "- # Ranker" as a heading."""
    b = DesignBuilder(catalog)
    b.add("model", name, id="ranker")
    old = b.design
    new = old.model_copy(deep=True)
    new.components[0].technology = "LightGBM"
    lines = diff_to_markdown(diff_designs(old, new)).splitlines()
    assert f"{item}: technology empty → 'LightGBM'" in lines


def test_huge_numbers_are_shown_short():
    # A qps of 1e308 was shown in 309 digits in `mlsd diff`, its Markdown and merge conflicts.
    assert show(1e308, "QPS") == "1e+308 QPS" and show(10**20) == "1e+20" and show(-2.5e16) == "-2.5e+16"
    assert show(20000.0, "QPS") == "20000 QPS" and show(999_999_999_999_999) == "999999999999999"


def test_two_huge_numbers_that_differ_are_shown_apart(catalog):
    # Shown to six digits, a change of a 16-digit count read '1.23457e+15 -> 1.23457e+15'.
    assert show(1234567890123456) == "1.234567890123456e+15"
    assert show(1234568000000000) == "1.234568e+15"
    b = DesignBuilder(catalog)
    b.add("data_source", "Events", id="s", events_per_day=1234567890123456)
    old = b.design
    new = old.model_copy(deep=True)
    new.components[0].properties["events_per_day"] = 1234568000000000
    [line] = [x for x in diff_to_markdown(diff_designs(old, new)).splitlines() if "Events:" in x]
    before, after = line.split("→")
    assert "1.234567890123456e+15" in before and "1.234568e+15" in after
