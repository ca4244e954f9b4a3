"""Schema version 3: decision records, goals/non-goals/assumptions, migrations from 1 and 2."""

import copy
import json
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.domain.model import SCHEMA_VERSION, Decision
from app.persistence import design_to_bytes, load_design
from app.persistence.errors import DesignLoadError
from app.persistence.loader import design_from_data

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = FIXTURES / "golden"
SHIPPED = sorted(
    [
        *ROOT.glob("resources/templates/*.mlsd"),
        *ROOT.glob("resources/examples/*.mlsd"),
        *ROOT.glob("docs/examples/*.mlsd"),
        *ROOT.glob("tests/rules/variants/**/*.mlsd"),
        GOLDEN / "v3.mlsd",
    ]
)
NEW_DECISION_KEYS = ("title", "status", "context", "options", "chosen", "consequences", "supersedes")


def test_schema_version_is_3():
    assert SCHEMA_VERSION == 3


def test_every_shipped_design_is_at_the_current_version():
    assert SHIPPED, "no shipped designs found"
    stale = [str(p.relative_to(ROOT)) for p in SHIPPED if json.loads(p.read_text())["schema_version"] != 3]
    assert not stale, f"run `mlsd migrate` on: {stale}"


@pytest.mark.parametrize("version", [1, 2])
def test_golden_fixture_migrates_through_the_cli_keeping_its_content(tmp_path, capsys, version):
    path = tmp_path / "design.mlsd"
    shutil.copy(GOLDEN / f"v{version}.mlsd", path)
    before = json.loads(path.read_text())
    assert main(["migrate", str(path)]) == 0
    assert f"migrated from schema version {version}" in capsys.readouterr().err
    first = path.read_bytes()
    after = json.loads(first)
    assert after["schema_version"] == 3
    assert after["meta"]["modified"] == before["meta"]["modified"]  # a migration is not an edit
    assert {k: after["meta"][k] for k in before["meta"]} == before["meta"]
    assert after["meta"]["goals"] == after["meta"]["non_goals"] == after["meta"]["assumptions"] == []
    assert [(c["id"], c["kind"], c["name"], c["properties"]) for c in after["components"]] == [
        (c["id"], c["kind"], c["name"], c["properties"]) for c in before["components"]
    ]
    assert [lk["id"] for lk in after["links"]] == [lk["id"] for lk in before["links"]]
    (old,), (new,) = before["decisions"], after["decisions"]
    assert {k: new[k] for k in old} == old  # id, rule, components, rationale, date kept
    assert new["status"] == "accepted" and new["title"] == "" and new["options"] == []
    assert after["rule_overrides"] == {"R15": "off"} and after["x_tool_extension"] == [1, 2, 3]
    assert main(["migrate", str(path)]) == 0
    assert path.read_bytes() == first
    # the acceptance still accepts its finding after the migration
    assert json.loads(first)["decisions"][0]["status"] == "accepted"


def test_version_2_decision_without_a_date_gets_the_design_date_not_today():
    data = json.loads((GOLDEN / "v2.mlsd").read_text())
    del data["decisions"][0]["date"]
    first = design_to_bytes(design_from_data(copy.deepcopy(data)).design)
    assert json.loads(first)["decisions"][0]["date"] == "2026-01-05"
    assert design_to_bytes(design_from_data(json.loads(first)).design) == first


def _as_version(data: dict, version: int) -> dict:
    """The same design written by an older MLSD Studio: no design decisions, no meta lists."""
    old = copy.deepcopy(data)
    old["schema_version"] = version
    for key in ("goals", "non_goals", "assumptions"):
        old["meta"].pop(key, None)
    old["decisions"] = [
        {k: v for k, v in d.items() if k not in NEW_DECISION_KEYS}
        for d in old["decisions"]
        if d.get("rule") and d.get("status", "accepted") == "accepted"
    ]
    if version == 1:
        for component in old["components"]:
            component.pop("pinned", None)
    return old


def _expected_after_migration(data: dict, version: int) -> bytes:
    design = design_from_data(copy.deepcopy(data)).design
    design.meta.goals, design.meta.non_goals, design.meta.assumptions = [], [], []
    design.decisions = [d for d in design.decisions if d.is_acceptance and d.status == "accepted"]
    for decision in design.decisions:
        decision.supersedes = ""
    if version == 1:
        for component in design.components:
            component.pinned = False
    return design_to_bytes(design)


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_design_written_at_an_older_version_migrates_to_the_same_design(path, version):
    data = json.loads(path.read_text(encoding="utf-8"))
    loaded = design_from_data(_as_version(data, version))
    assert loaded.migrated_from == version
    first = design_to_bytes(loaded.design)
    assert first == _expected_after_migration(data, version)
    assert json.loads(first)["schema_version"] == 3
    assert design_to_bytes(design_from_data(json.loads(first)).design) == first  # byte-stable


def test_version_3_golden_loads_its_decision_records_and_saves_byte_stably():
    loaded = load_design(GOLDEN / "v3.mlsd")
    assert loaded.migrated_from is None
    design = loaded.design
    assert design.meta.goals[1] == "Precision at the top 5% above 0.4"
    assert design.meta.non_goals == ["Choosing the retention offer for each subscriber"]
    assert len(design.meta.assumptions) == 2
    by_id = {d.id: d for d in design.decisions}
    assert by_id["d1"].is_acceptance and not by_id["d2"].is_acceptance
    assert by_id["d3"].supersedes == "d2" and by_id["d2"].status == "superseded"
    assert by_id["d3"].chosen == "Weekly batch scoring"
    assert by_id["d3"].options[1].cons == ["A late billing load delays the campaign"]
    assert [d.weighs_alternatives for d in design.decisions] == [False, True, True, False]
    first = design_to_bytes(design)
    assert design_to_bytes(design_from_data(json.loads(first)).design) == first


def _v3_with(changes: dict) -> dict:
    data = json.loads((GOLDEN / "v3.mlsd").read_text())
    for (index, key), value in changes.items():
        data["decisions"][index][key] = value
    return data


BAD_DECISIONS = {
    "supersedes_missing": (
        {(2, "supersedes"): "d9"},
        "$.decisions[2].supersedes",
        "'d9', which is not a decision",
    ),
    "supersedes_itself": ({(2, "supersedes"): "d3"}, "$.decisions[2].supersedes", "cannot supersede itself"),
    "supersedes_in_a_circle": (  # d3 supersedes d2 (as written), d2 now supersedes d3
        {(1, "supersedes"): "d3"},
        "$.decisions[1].supersedes",
        "supersede each other in a circle ('d2' -> 'd3' -> 'd2')",
    ),
    "chosen_not_an_option": (
        {(2, "chosen"): "Hourly scoring"},
        "$.decisions[2].chosen",
        "'Hourly scoring' of decision 'd3' is not one of its options",
    ),
    "duplicate_option": (
        {(3, "options"): [{"name": "SHAP"}, {"name": "SHAP", "pros": ["again"]}]},
        "$.decisions[3].options[1].name",
        "option name 'SHAP' appears twice",
    ),
    "no_title": ({(1, "title"): "  "}, "$.decisions[1].title", "needs a title"),
    "no_rationale": ({(0, "rationale"): ""}, "$.decisions[0].rationale", "gives no rationale"),
    "unknown_status": ({(1, "status"): "maybe"}, "$.decisions[1].status", "Input should be"),
    "empty_option_name": ({(3, "options"): [{"name": ""}]}, "$.decisions[3].options[0].name", "at least 1"),
}


@pytest.mark.parametrize("case", sorted(BAD_DECISIONS))
def test_bad_decision_records_are_refused_naming_the_place(case, tmp_path, capsys):
    changes, where, message = BAD_DECISIONS[case]
    path = tmp_path / "bad.mlsd"
    path.write_text(json.dumps(_v3_with(changes), indent=1), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(DesignLoadError) as caught:
        load_design(path)
    assert caught.value.where == where
    assert message in caught.value.problem
    assert str(path) in str(caught.value)
    assert main(["migrate", str(path)]) == 2
    err = capsys.readouterr().err
    assert where in err and "Traceback" not in err
    assert path.read_bytes() == before


def test_file_from_a_newer_version_is_refused_through_the_cli_and_left_alone(tmp_path, capsys):
    path = tmp_path / "v4.mlsd"
    shutil.copy(FIXTURES / "future" / "v4.mlsd", path)
    before = path.read_bytes()
    for command in (["migrate", str(path)], ["check", str(path)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "written by a newer MLSD Studio" in err
        assert "schema version 4" in err and "reads up to 3" in err
        assert "Traceback" not in err
    assert path.read_bytes() == before


def test_engine_applies_only_accepted_acceptances():
    from app.rules.engine import check_design

    design = load_design(GOLDEN / "v2.mlsd").design

    def r22_accepted() -> bool:
        (finding,) = [f for f in check_design(design).findings if f.rule == "R22"]
        return finding.accepted

    assert not r22_accepted()
    design.decisions = [Decision(id="d1", rule="R22", components=["model"], rationale="Fine here.")]
    assert r22_accepted()
    for status in ("proposed", "rejected", "superseded"):
        design.decisions[0].status = status  # type: ignore[assignment]
        assert not r22_accepted()
    design.decisions = [Decision(id="d1", title="Accept R22 in spirit", components=["model"])]
    assert not r22_accepted()
