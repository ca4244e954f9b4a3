"""Property tests of the diff and the three-way merge over random designs and edits."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.diff import diff_designs
from app.diff.merge import merge_designs
from app.domain.model import Design
from app.persistence import design_to_bytes, load_design_bytes
from tests.diff.strategies import CATALOG, designs, edited

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _data(design: Design) -> dict[str, Any]:
    return design.to_json_data()


def _meaning(design: Design) -> dict[str, Any]:
    data = design.to_json_data()
    del data["meta"]["modified"]
    for component in data["components"]:
        component["properties"] = {k: v for k, v in component["properties"].items() if v is not None}
    return data


@SETTINGS
@given(designs())
def test_diff_of_a_design_with_itself_is_empty(design):
    copy = load_design_bytes(design_to_bytes(design)).design
    diff = diff_designs(design, copy, positions=True, catalog=CATALOG)
    assert diff.is_empty() and not diff.introduced and not diff.resolved


@SETTINGS
@given(st.data())
def test_diff_is_empty_exactly_when_the_meaning_is_the_same(data):
    a = data.draw(designs())
    b = data.draw(edited(a))
    assert diff_designs(a, b, positions=True, catalog=CATALOG).is_empty() == (_meaning(a) == _meaning(b))


@SETTINGS
@given(st.data())
def test_merge_of_an_unchanged_side_gives_the_other_side(data):
    a = data.draw(designs())
    b = data.draw(edited(a))
    theirs = merge_designs(a, a, b, CATALOG)
    assert theirs.conflicts == [] and _data(theirs.design) == _data(b)
    ours = merge_designs(a, b, a, CATALOG)
    assert ours.conflicts == [] and _data(ours.design) == _data(b)


@SETTINGS
@given(st.data())
def test_merge_reports_the_same_conflicts_whichever_side_is_ours(data):
    a = data.draw(designs())
    b = data.draw(edited(a))
    c = data.draw(edited(a))
    one, two = merge_designs(a, b, c, CATALOG), merge_designs(a, c, b, CATALOG)
    assert {x.key for x in one.conflicts} == {x.key for x in two.conflicts}
    for result in (one, two):  # the merge always loads
        load_design_bytes(design_to_bytes(result.design))
    if not one.conflicts and not one.notes:  # clean and no id clashes: both orders agree
        assert _meaning(one.design) == _meaning(two.design) or _sorted(one.design) == _sorted(two.design)


def _sorted(design: Design) -> dict[str, Any]:
    data = _meaning(design)
    for key in ("components", "links", "decisions"):
        data[key] = sorted(data[key], key=lambda item: item["id"])
    return data
