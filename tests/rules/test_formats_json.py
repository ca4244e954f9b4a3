"""`mlsd check --format json|sarif|text` on designs whose findings list many components: the
JSON shares long lists through "component_sets" (complete once expanded, linear in size), the
text caps them with the count of the rest."""

from __future__ import annotations

import io
import json

import pytest

from app.cli import main
from app.domain.catalog import default_catalog
from app.domain.model import Component, Design, Link, Meta
from app.persistence import save_design
from app.rules import check_design
from app.rules.component_sets import MIN_SET, ComponentSets, expand_sets, json_bytes, write_json
from app.rules.formats import check_json_data, format_sarif

CATALOG = default_catalog()
# A pipeline repeated along one chain: each training job reaches every endpoint after it, and
# R28 lists every job upstream of an endpoint (a list that grows along the chain).
CYCLE = (
    "data_source", "data_pipeline", "governance", "dataset", "feature_pipeline", "feature_store",
    "training_job", "model", "endpoint", "prediction_logger", "monitor", "consumer",
)  # fmt: skip


def chain(n: int) -> Design:
    kinds = [CYCLE[i % len(CYCLE)] for i in range(n)]
    components = [
        Component(id=f"c{i}", kind=kind, name=f"{CATALOG.kinds[kind].label} {i}")
        for i, kind in enumerate(kinds)
    ]
    links = [
        Link(
            id=f"l{i}", source=f"c{i}", target=f"c{i + 1}", flow=CATALOG.default_flow(kinds[i], kinds[i + 1])
        )
        for i in range(n - 1)
    ]
    return Design(meta=Meta(title="Chain"), components=components, links=links)


def _check_json(design: Design, tmp_path, capsys, name: str = "chain.mlsd") -> dict:
    path = tmp_path / name
    save_design(design, path)
    main(["check", str(path), "--format", "json"])
    return json.loads(capsys.readouterr().out)


def _expanded(finding: dict, full: dict[str, list[str]]) -> dict:
    """The finding as it would be written without shared sets (same keys, same order)."""
    return {
        ("components" if key == "component_set" else key): (full[value] if key == "component_set" else value)
        for key, value in finding.items()
    }


def test_shared_sets_expand_to_every_finding_s_full_list(tmp_path, capsys):
    design = chain(600)
    data = _check_json(design, tmp_path, capsys)
    expected = [f.to_json_data() for f in check_design(design, CATALOG).findings]
    assert list(data).index("component_sets") == list(data).index("findings") - 1
    full = expand_sets(data["component_sets"])
    referring = [f for f in data["findings"] if "component_set" in f]
    assert len(referring) > 20 and all("components" not in f for f in referring)
    assert [_expanded(f, full) for f in data["findings"]] == json.loads(json.dumps(expected))
    # Every set used is defined, each base before the sets built on it.
    names = list(data["component_sets"])
    for name, entry in data["component_sets"].items():
        if "extends" in entry:
            assert names.index(entry["extends"]) < names.index(name)
    # Short lists stay inline, as before.
    assert all(len(f["components"]) < MIN_SET for f in data["findings"] if "components" in f)


def test_json_grows_with_the_design_not_its_square(tmp_path, capsys):
    def listed(n: int) -> tuple[int, int]:
        data = _check_json(chain(n), tmp_path, capsys, f"chain{n}.mlsd")
        written = sum(len(e["components"]) for e in data.get("component_sets", {}).values())
        written += sum(len(f.get("components", ())) for f in data["findings"])
        full = expand_sets(data.get("component_sets", {}))
        listed = sum(len(full[f["component_set"]]) if "component_set" in f else len(f["components"])
                     for f in data["findings"])  # fmt: skip
        return written, listed

    small_written, small_listed = listed(400)
    big_written, big_listed = listed(1600)
    # The findings' lists grow with the square of the design, what is written with the design.
    assert big_listed > 6 * small_listed, (small_listed, big_listed)
    assert big_written < 4.5 * small_written, (small_written, big_written)


def test_small_designs_keep_plain_component_lists(builder, tmp_path, capsys):
    builder.add("endpoint", "API", mode="online", fallback="none")
    data = _check_json(builder.design, tmp_path, capsys)
    assert "component_sets" not in data
    assert all(isinstance(f["components"], list) for f in data["findings"])


def test_component_sets_share_equal_lists_and_keep_lone_ones_inline():
    common = [f"c{i}" for i in range(40)]
    lone = [f"x{i}" for i in range(30)]
    sets = ComponentSets([common, common, lone, ["a", "b"], [*common, "c99"]])
    assert sets.reference(lone) is None and sets.reference(["a", "b"]) is None
    first = sets.reference(common)
    assert first is not None and sets.reference(common) == first
    grown = sets.reference([*common, "c99"])
    assert grown is not None and grown != first
    table = sets.table()
    assert table[grown] == {"extends": first, "components": ["c99"]}
    assert expand_sets(table) == {first: common, grown: [*common, "c99"]}


def test_component_sets_of_branching_lists_round_trip():
    lists = [["p", *[f"c{i}" for i in range(20)], tail] for tail in ("x", "y", "z")]
    lists += [[f"c{i}" for i in range(n)] for n in (16, 17, 30, 31)]
    sets = ComponentSets(lists)
    refs = [sets.reference(ids) for ids in lists]
    full = expand_sets(sets.table())
    assert all(ref is not None for ref in refs)
    assert [full[ref] for ref in refs if ref] == lists
    # The shared run of the three branches is written once.
    assert sum(len(entry["components"]) for entry in sets.table().values()) < sum(map(len, lists)) / 2


def test_streamed_json_is_the_same_bytes_as_one_piece():
    result = check_design(chain(300), CATALOG)
    data = check_json_data(result, "chain.mlsd", estimates={"totals": {"cost": 1.5}, "names": ["é", "推荐"]})
    out = io.BytesIO()
    write_json(data, out)
    assert out.getvalue() == json_bytes(data)
    assert json.loads(out.getvalue()) == json.loads(json.dumps(data))
    empty = io.BytesIO()
    write_json({"findings": [], "a": {}}, empty)
    assert json.loads(empty.getvalue()) == {"findings": [], "a": {}}


def test_sarif_shares_long_lists_in_the_run_properties():
    design = chain(600)
    result = check_design(design, CATALOG)
    sarif = json.loads(format_sarif(result, "chain.mlsd"))
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    full = expand_sets(run["properties"]["componentSets"])
    shared = 0
    for finding, item in zip(result.findings, run["results"], strict=True):
        props = item["properties"]
        components = full[props["componentSet"]] if "componentSet" in props else props["components"]
        assert components == list(finding.components)
        names = [loc["name"] for loc in item["locations"][0]["logicalLocations"]]
        assert names == list(finding.components)[:MIN_SET]
        shared += "componentSet" in props
    assert shared > 20


@pytest.mark.parametrize("count", [1430])
def test_text_caps_a_long_component_list_with_the_count_of_the_rest(tmp_path, capsys, count):
    components = [Component(id="goal", kind="business_objective", name="Revenue")]
    components += [Component(id=f"m{i}", kind="metric", name=f"Metric {i}") for i in range(count)]
    path = tmp_path / "metrics.mlsd"
    save_design(Design(meta=Meta(title="Metrics"), components=components), path)
    main(["check", str(path)])
    out = capsys.readouterr().out
    [line] = [ln for ln in out.splitlines() if "ERROR   R1: " in ln]
    assert "Metric 0, Metric 1, Metric 2 and 1,427 more" in line
    assert len(line) < 400
