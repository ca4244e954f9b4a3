"""The engine around the rules: registry, overrides, decisions, internal errors, coverage,
the incremental API, the CLI's text/JSON/SARIF output and the generated rule reference."""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from app.cli import main
from app.domain import ops
from app.domain.catalog import STAGE_IDS
from app.domain.model import Component, Decision, Link
from app.persistence import save_design
from app.rules import RuleEngine, all_rules, check_design, result_to_json_data
from app.rules import registry as rule_registry
from app.rules.docs import render_rules_markdown
from app.rules.engine import stage_coverage
from app.rules.model import RULE_STAGES, SEVERITY_RANK
from tests.factories import DesignBuilder, large_design
from tests.rules import (
    test_capacity,
    test_coverage_structure,
    test_data_features,
    test_flaw_rules,
    test_model,
    test_monitoring,
    test_new_rules,
    test_serving,
    test_unrecorded_choice,
)
from tests.rules.helpers import findings, sound_recommender

ROOT = Path(__file__).resolve().parents[2]
FINDING_KEYS = {
    "rule", "severity", "stage", "title", "message", "components", "links",
    "accepted", "rationale", "suggestion", "sources",
}  # fmt: skip


@pytest.fixture
def sound(builder):
    ids = sound_recommender(builder)
    return builder.design, ids


def _save(design, tmp_path, name="design.mlsd") -> str:
    path = tmp_path / name
    save_design(design, path)
    return str(path)


def _ungated(design, ids):
    """The sound design with one error: the evaluation no longer gates (R28)."""
    design.component_by_id()[ids["evaluation"]].properties["gate"] = False
    return [f for f in check_design(design).findings if f.rule == "R28"]


# ---- registry ------------------------------------------------------------------------------


def _rule_ids() -> list[str]:
    """R1..R42, then whatever later rules are registered (numbered above 42)."""
    ids = [r.id for r in all_rules()]
    assert ids[:42] == [f"R{n}" for n in range(1, 43)]
    assert all(int(i[1:]) > 42 for i in ids[42:])
    return ids


def test_registry_has_r1_to_r54_with_complete_metadata():
    rules = all_rules()
    assert _rule_ids() == [f"R{n}" for n in range(1, 59)]
    for spec in rules:
        assert spec.stage in RULE_STAGES and spec.severity in SEVERITY_RANK
        assert spec.title and spec.rationale.endswith(".") and spec.suggestion.endswith(".")
        assert spec.sources and all(len(source) > 10 for source in spec.sources)
        assert spec.condition.endswith("."), f"{spec.id} says not when it fires"
        assert spec.unset.endswith("."), f"{spec.id} says not what an unset property means"


def test_every_rule_has_a_firing_and_a_quiet_test():
    names = {
        name
        for module in (
            test_capacity,
            test_coverage_structure,
            test_data_features,
            test_model,
            test_serving,
            test_monitoring,
            test_flaw_rules,
            test_new_rules,
            test_unrecorded_choice,
        )
        for name, _ in inspect.getmembers(module, inspect.isfunction)
    }
    for n in range(1, 59):
        assert any(re.match(rf"test_r{n}_fires", name) for name in names), f"R{n} has no firing test"
        assert any(re.match(rf"test_r{n}_quiet", name) for name in names), f"R{n} has no quiet test"


def test_a_sound_complete_design_has_no_findings(sound):
    design, _ = sound
    result = check_design(design)
    assert [f"{f.rule}: {f.message}" for f in result.findings] == []
    assert all(cov.covered for cov in result.coverage.values())


# ---- overrides and decisions ------------------------------------------------------------------


def test_override_off_removes_the_rule_and_is_reported(sound):
    design, ids = sound
    _ungated(design, ids)
    design.rule_overrides["R28"] = "off"
    result = check_design(design)
    assert [f for f in result.findings if f.rule == "R28"] == []
    assert result.overrides_applied == {"R28": "off"}
    assert not result.fails()


def test_override_changes_severity_and_the_output_says_so(sound, tmp_path, capsys):
    design, ids = sound
    _ungated(design, ids)
    design.rule_overrides["R28"] = "warning"
    [finding] = findings(design, "R28")
    assert (finding.severity, finding.default_severity, finding.overridden) == ("warning", "error", True)
    path = _save(design, tmp_path)
    assert main(["check", path]) == 0
    out = capsys.readouterr().out
    assert "(override: was error)" in out and "Rule overrides applied: R28=warning" in out
    assert main(["check", path, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [item] = [f for f in data["findings"] if f["rule"] == "R28"]
    assert item["override"] == {"from": "error", "to": "warning"}
    assert data["overrides"] == {"R28": "warning"}


def test_accepted_finding_is_listed_with_its_rationale_and_does_not_fail(sound, tmp_path, capsys):
    design, ids = sound
    [finding] = _ungated(design, ids)
    path = _save(design, tmp_path)
    assert main(["check", path]) == 1
    capsys.readouterr()
    design.decisions.append(
        Decision(
            id="d1", rule="R28", components=list(finding.components), rationale="Shadow traffic gates it."
        )
    )
    result = check_design(design)
    [accepted] = [f for f in result.findings if f.rule == "R28"]
    assert (
        accepted.accepted and accepted.rationale == "Shadow traffic gates it." and accepted.decision == "d1"
    )
    assert result.summary() == {"error": 0, "warning": 0, "info": 0, "accepted": 1}
    assert not result.fails()
    path = _save(design, tmp_path)
    assert main(["check", path]) == 0
    out = capsys.readouterr().out
    assert "accepted ERROR   R28" in out and "decision: Shadow traffic gates it." in out


def test_decision_for_other_components_does_not_accept(sound):
    design, ids = sound
    _ungated(design, ids)
    design.decisions.append(Decision(id="d1", rule="R28", components=[ids["model"]], rationale="Wrong one."))
    [finding] = findings(design, "R28")
    assert not finding.accepted


# ---- internal errors --------------------------------------------------------------------------


def test_a_rule_that_raises_becomes_an_internal_error_finding(builder, monkeypatch):
    def broken(ctx):
        raise KeyError("boom")

    spec = rule_registry.get_rule("R30")
    monkeypatch.setitem(rule_registry._RULES, "R30", dataclasses.replace(spec, check=broken))
    builder.add("endpoint", "API", mode="online", fallback="none")
    result = RuleEngine(builder.design).check()
    [finding] = [f for f in result.findings if f.rule == "R30"]
    assert finding.internal_error and finding.severity == "error"
    assert finding.message.startswith("internal error in rule R30: KeyError")
    assert any(f.rule == "R3" for f in result.findings)  # the other rules still ran
    builder.design.rule_overrides["R30"] = "off"  # an override cannot hide a broken rule
    assert [f.rule for f in RuleEngine(builder.design).check().findings if f.internal_error] == ["R30"]


def test_unknown_kinds_do_not_break_rules(catalog):
    design = large_design(catalog, 40, 80)
    design.components.append(Component(id="alien", kind="quantum_annealer", name="Annealer"))
    design.links.append(Link(id="lx", source="alien", target=design.components[0].id))
    design.invalidate_indexes()
    result = check_design(design, catalog)
    assert not any(f.internal_error for f in result.findings)


def test_rules_survive_properties_of_the_wrong_type(catalog):
    """A hand-edited file can hold any JSON scalar or list in any property."""
    rng = random.Random(11)
    values = [True, False, 0, 3, -1.5, 1e9, "", "text", "online", [], ["a", "b"], ["latency"]]
    for _ in range(25):
        builder = DesignBuilder(catalog)
        sound_recommender(builder)
        for component in builder.design.components:
            for prop in catalog.kinds[component.kind].properties:
                if rng.random() < 0.5:
                    component.properties[prop.name] = rng.choice(values)
        result = check_design(builder.design, catalog)
        assert [f.message for f in result.findings if f.internal_error] == []


def test_findings_do_not_depend_on_hash_seeds():
    """Output order comes from the design, never from set iteration order."""
    code = (
        "import json;from app.domain.catalog import default_catalog;"
        "from app.rules import check_design, result_to_json_data;from tests.factories import large_design;"
        "c=default_catalog();print(json.dumps(result_to_json_data(check_design(large_design(c,300,600),c))))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


# ---- coverage ---------------------------------------------------------------------------------


def test_stage_coverage_lists_components_and_missing_kinds(builder, catalog):
    source = builder.add("data_source", "Events")
    model = builder.add("model", "Model")
    coverage = stage_coverage(builder.design, catalog)
    assert list(coverage) == list(STAGE_IDS)
    assert coverage["data"].covered and coverage["data"].components == [source]
    assert coverage["model"].components == [model]
    assert not coverage["serving"].covered
    assert "endpoint" in coverage["serving"].missing_kinds
    assert check_design(builder.design).coverage["data"].components == [source]


# ---- incremental engine ------------------------------------------------------------------------


def _signature(result):
    return [(f.rule, f.severity, f.message, f.components, f.links, f.accepted) for f in result.findings]


def _random_property_edit(design, catalog, rng):
    """Set (or unset) a random catalog property of a random component to a valid value."""
    component = rng.choice(design.components)
    spec = catalog.kind(component.kind)
    if spec is None or not spec.properties:
        return None
    prop = rng.choice(spec.properties)
    if rng.random() < 0.2:
        value = None
    elif prop.type == "bool":
        value = rng.choice([True, False])
    elif prop.type == "enum":
        value = rng.choice(prop.values)
    elif prop.type == "set":
        value = [v for v in prop.values if rng.random() < 0.4]
    elif prop.type in ("int", "float"):
        value = rng.choice([prop.minimum or 0, 1, 10, 100] if prop.maximum is None else [prop.maximum])
    elif prop.type == "list":
        value = rng.sample(["daily", "ctr", "revenue"], 2)
    else:
        value = rng.choice(["daily", "after 30 days", "team"])
    return ops.set_property(design, catalog, component.id, prop.name, value)[1]


EDITS = (
    "property", "any_property", "link", "unlink", "toggle", "remove", "add", "rename", "text", "move",
    "pin", "meta", "decide", "undecide", "override",
)  # fmt: skip


def test_incremental_checks_match_fresh_checks_after_every_edit(catalog):
    """After each kind of edit the engine re-runs only what the edit can change (the shape
    cache, the rules inspecting an edited kind): its findings equal a fresh full check."""
    builder = DesignBuilder(catalog)
    sound_recommender(builder)
    design = builder.design
    engine = RuleEngine(design, catalog)
    rng = random.Random(3)
    seen = set()
    for step in range(300):
        choice = rng.choice(EDITS)
        components = design.components
        if choice == "property":
            editable = [c for c in components if c.kind in ("endpoint", "evaluation", "monitor")]
            if not editable:
                continue
            target = rng.choice(editable)
            prop = {"endpoint": "mode", "evaluation": "gate", "monitor": "watches"}[target.kind]
            value = {"mode": rng.choice(["online", "batch", None]), "gate": rng.choice([True, False, None]),
                     "watches": rng.choice([["latency"], ["data_drift", "errors"], None])}[prop]  # fmt: skip
            _, changes = ops.set_property(design, catalog, target.id, prop, value)
        elif choice == "any_property":
            changes = _random_property_edit(design, catalog, rng)
            if changes is None:
                continue
        elif choice == "link":
            a, b = rng.sample(components, 2)
            if ops.find_link(design, a.id, b.id):
                continue
            link = ops.make_link(design, catalog, a.id, b.id, feedback=rng.random() < 0.3)
            changes = ops.add_link(design, link)
        elif choice in ("unlink", "toggle") and design.links:
            link = rng.choice(design.links)
            if choice == "unlink":
                _, changes = ops.remove_link(design, link.id)
            else:
                edit = rng.choice(
                    [
                        {"feedback": not link.feedback},
                        {"phase": rng.choice(["train", "serve", "both"])},
                        {"flow": rng.choice(["data", "feature", "artifact", "prediction", "watch", "eval"])},
                        {"label": f"step {step}"},
                    ]
                )
                _, changes = ops.set_link_fields(design, link.id, **edit)
        elif choice == "remove" and len(components) > 5:
            _, changes = ops.remove_component(design, rng.choice(components).id)
        elif choice == "rename":
            _, changes = ops.set_component_field(design, rng.choice(components).id, "name", f"Renamed {step}")
        elif choice == "text":
            field = rng.choice(["technology", "notes"])
            text = rng.choice(["Spark, retrained daily", "weekly batch", ""])
            _, changes = ops.set_component_field(design, rng.choice(components).id, field, text)
        elif choice == "move":
            _, changes = ops.move_components(design, {rng.choice(components).id: (step * 10.0, 5.0)})
        elif choice == "pin":
            _, changes = ops.set_pinned(design, {rng.choice(components).id: rng.random() < 0.5})
        elif choice == "meta":
            _, changes = ops.set_meta_field(design, "problem", f"problem {step}")
        elif choice == "decide":
            open_findings = check_design(design, catalog).open_findings()
            if not open_findings:
                continue
            finding = rng.choice(open_findings)
            decision = Decision(
                id=ops.new_decision_id(design), rule=finding.rule, components=list(finding.components),
                subject=finding.subject, rationale="accepted in a test",
            )  # fmt: skip
            changes = ops.add_decision(design, decision)
        elif choice == "undecide" and design.decisions:
            _, changes = ops.remove_decision(design, rng.choice(design.decisions).id)
        elif choice == "override":
            rule_id = rng.choice(["R5", "R13", "R22", "R35"])
            _, changes = ops.set_rule_override(design, rule_id, rng.choice(["off", "info", "error", None]))
        else:
            component = ops.make_component(design, catalog, rng.choice(list(catalog.kinds)))
            changes = ops.add_component(design, catalog, component)
        engine.apply(changes)
        seen.add(choice)
        assert _signature(engine.check()) == _signature(check_design(design, catalog)), (
            f"step {step}: {choice}"
        )
    assert seen == set(EDITS)


def test_incremental_link_edits_match_fresh_checks_on_random_graphs(catalog):
    """Drawing and deleting single links keeps the cached traversals it cannot change."""
    for seed, n in ((2, 30), (5, 30), (5, 80)):
        rng = random.Random(seed)
        design = large_design(catalog, n, 2 * n, seed=n)
        for component in design.components[::2]:  # some properties so more rules look deeper
            if component.kind == "endpoint":
                component.properties["mode"] = "online"
            elif component.kind == "evaluation":
                component.properties["gate"] = rng.choice([True, False])
            elif component.kind == "prediction_logger":
                component.properties["holdout_pct"] = rng.choice([0.0, 5.0])
        engine = RuleEngine(design, catalog)
        engine.check()
        for step in range(120):
            if rng.random() < 0.5 and design.links:
                _, changes = ops.remove_link(design, rng.choice(design.links).id)
            else:
                a, b = rng.sample(design.components, 2)
                if ops.find_link(design, a.id, b.id):
                    continue
                fields = {"feedback": rng.random() < 0.3, "phase": rng.choice(["train", "serve", "both"])}
                changes = ops.add_link(design, ops.make_link(design, catalog, a.id, b.id, **fields))
            engine.apply(changes)
            expected = _signature(check_design(design, catalog))
            assert _signature(engine.check()) == expected, f"n={n} step {step}: {changes}"


def test_incremental_check_sees_a_holdout_logger_attached_to_a_loop(catalog):
    builder = DesignBuilder(catalog)
    source, job, model = builder.add("data_source"), builder.add("training_job"), builder.add("model")
    endpoint, app = builder.add("endpoint"), builder.add("consumer")
    builder.chain(source, job, model, endpoint, app)
    builder.link(app, source, feedback=True)
    logger = builder.add("prediction_logger", holdout_pct=5.0)
    engine = RuleEngine(builder.design, catalog)
    assert [f.rule for f in engine.check().findings].count("R39") == 1
    link = ops.make_link(builder.design, catalog, endpoint, logger)
    engine.apply(ops.add_link(builder.design, link))
    assert [f.rule for f in engine.check().findings].count("R39") == 0
    engine.apply(ops.remove_link(builder.design, link.id)[1])
    assert [f.rule for f in engine.check().findings].count("R39") == 1


def test_engine_reset_follows_a_new_design(catalog, sound):
    design, _ = sound
    engine = RuleEngine(design, catalog)
    assert engine.check().findings == []
    other = DesignBuilder(catalog)
    other.add("endpoint", "Lonely")
    engine.reset(other.design)
    assert {f.rule for f in engine.check().findings} >= {"R4", "R5", "R8"}


# ---- CLI: text, JSON, SARIF, rules --------------------------------------------------------------


def test_check_text_groups_by_stage_with_coverage_summary(builder, tmp_path, capsys):
    source, model = builder.add("data_source", "Events"), builder.add("model", "Model")
    builder.link(source, model)
    assert main(["check", _save(builder.design, tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (
        "Stage coverage:" in out and "[x] 2. Data: Events" in out and "[ ] 5. Serving and deployment" in out
    )
    headers = [line for line in out.splitlines() if line and not line.startswith(" ") and line.endswith(":")]
    assert headers[1].startswith("All stages (") and any(h.startswith("Structure (") for h in headers)
    assert re.search(r"\d+ errors?, \d+ warnings?, \d+ info, 0 accepted \(\d+ rules checked\)", out)


def test_check_exit_status_follows_fail_on(sound, tmp_path):
    design, ids = sound
    path = _save(design, tmp_path)
    assert main(["check", path]) == 0
    design.component_by_id()[ids["endpoint"]].properties["fallback"] = "none"  # R30 warning
    path = _save(design, tmp_path)
    assert main(["check", path]) == 0
    assert main(["check", path, "--fail-on", "warning"]) == 1
    _ungated(design, ids)
    path = _save(design, tmp_path)
    assert main(["check", path]) == 1
    assert main(["check", path, "--fail-on", "never"]) == 0


def test_check_json_has_the_documented_shape(builder, tmp_path, capsys):
    builder.add("endpoint", "API", mode="online", fallback="none")
    path = _save(builder.design, tmp_path)
    assert main(["check", path, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["file"] == path
    assert set(data["stages"]) == set(STAGE_IDS)
    assert data["stages"]["serving"]["covered"] is True and data["stages"]["data"]["components"] == []
    assert set(data["summary"]) == {"error", "warning", "info", "accepted"}
    assert data["findings"]
    for item in data["findings"]:
        assert FINDING_KEYS <= set(item)
    [r30] = [f for f in data["findings"] if f["rule"] == "R30"]
    assert r30["components"] == ["endpoint_1"] and r30["accepted"] is False and r30["sources"]
    figures = data.pop("estimates")  # the design's estimated figures ride along (app/estimates)
    assert set(figures) >= {"totals", "stage_totals", "components", "missing", "assumptions"}
    assert data == json.loads(json.dumps(result_to_json_data(check_design(builder.design), path)))


def test_check_sarif_is_valid_2_1_0(sound, tmp_path, capsys):
    design, ids = sound
    [finding] = _ungated(design, ids)
    design.component_by_id()[ids["endpoint"]].properties["fallback"] = "none"
    design.decisions.append(Decision(id="d1", rule="R30", components=[ids["endpoint"]], rationale="Ok."))
    path = _save(design, tmp_path)
    assert main(["check", path, "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    [run] = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "MLSD Studio"
    assert [r["id"] for r in driver["rules"]] == _rule_ids()
    assert all(r["defaultConfiguration"]["level"] in ("error", "warning", "note") for r in driver["rules"])
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["R28"]["level"] == "error"
    assert by_rule["R28"]["message"]["text"] == finding.message
    assert driver["rules"][by_rule["R28"]["ruleIndex"]]["id"] == "R28"
    location = by_rule["R28"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == Path(path).as_uri()
    assert by_rule["R30"]["suppressions"] == [{"kind": "inSource", "justification": "Ok."}]
    assert "suppressions" not in by_rule["R28"]
    for result in run["results"]:
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        assert len(result["partialFingerprints"]["mlsdFinding/v1"]) == 32
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_check_sarif_names_the_file_by_a_valid_uri(tmp_path, monkeypatch, capsys):
    """The file name went into artifactLocation.uri as it was: in 'my design #2 (50%).mlsd' the
    '#' starts a URI's fragment, so a code-scanning tool read the file 'my design '."""
    monkeypatch.chdir(tmp_path)
    name = "my design #2 (50%).mlsd"
    example = Path(__file__).parents[2] / "resources" / "examples" / "example.mlsd"
    Path(name).write_bytes(example.read_bytes())
    main(["check", name, "--format", "sarif"])
    [run] = json.loads(capsys.readouterr().out)["runs"]
    uris = {run["artifacts"][0]["location"]["uri"]}
    uris |= {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"my%20design%20%232%20%2850%25%29.mlsd"}
    assert unquote(uris.pop()) == name


def test_rules_command_lists_every_rule(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(_rule_ids()) and lines[23].startswith("R24  error   model      Latency budget")
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data] == _rule_ids()
    assert set(data[0]) == {
        "id", "title", "stage", "severity", "rationale", "suggestion", "sources", "condition", "unset",
        "kinds",
        "reads_decisions",
    }


def test_golden_file_with_an_unknown_kind_checks_cleanly(capsys):
    path = str(ROOT / "tests/fixtures/golden/v1.mlsd")
    assert main(["check", path]) == 1
    captured = capsys.readouterr()
    assert "internal error" not in captured.out
    assert "From a newer catalog has no links" in captured.out
    assert "Rule overrides applied: R15=off" in captured.out


# ---- generated docs ---------------------------------------------------------------------------


def test_docs_rules_md_is_up_to_date():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_markdown(), (
        "docs/rules.md is stale: run `python -m app.rules.docs > docs/rules.md`"
    )


def test_docs_list_every_rule_with_its_sources():
    text = render_rules_markdown()
    for spec in all_rules():
        assert f"### {spec.id} {spec.title}" in text
        assert all(f"- {source}" in text for source in spec.sources)


def test_a_decision_on_one_missing_stage_accepts_only_that_r4_finding(builder):
    from app.domain.model import Decision

    builder.add("data_source", "Events")
    builder.add("model", "Ranker")
    builder.design.decisions.append(
        Decision(id="d1", rule="R4", subject="stage:monitoring", rationale="Monitoring is out of scope here.")
    )
    r4 = [f for f in check_design(builder.design).findings if f.rule == "R4"]
    accepted = [f for f in r4 if f.accepted]
    assert [f.subject for f in accepted] == ["stage:monitoring"]
    assert len(r4) - len(accepted) == 3
    assert all(f.subject.startswith("stage:") for f in r4)


def test_no_finding_is_above_its_rules_declared_ceiling(catalog):
    """The rubric charges an unknown at its rule's ceiling, so a rule that raises a hit above its
    default severity must declare it (`escalates_to=`)."""
    from pathlib import Path

    from app.persistence import load_design
    from app.rules import all_rules, check_design
    from app.rules.model import SEVERITY_RANK
    from tests.factories import large_design

    root = Path(__file__).resolve().parents[2]
    paths = sorted((root / "tests" / "rules" / "variants").glob("*/*.mlsd"))
    paths += sorted((root / "resources" / "templates").glob("*.mlsd"))
    designs = [load_design(p, catalog).design for p in paths] + [large_design(catalog, 1500, 3000)]
    ceiling = {spec.id: spec.ceiling for spec in all_rules()}
    above = {
        (f.rule, f.severity)
        for design in designs
        for f in check_design(design, catalog).findings
        if not f.overridden and not f.internal_error
        and SEVERITY_RANK[f.severity] > SEVERITY_RANK[ceiling[f.rule]]
    }
    assert above == set()


def test_a_finding_made_of_a_hit_is_the_finding_the_dataclass_makes():
    from app.rules.model import Finding, Hit
    from app.rules.running import run_rule

    hits = [
        Hit("plain"),
        Hit("full", components=["a", "b"], links=("l1",), severity="info", subject="s", unset=["a.p"]),
    ]
    for spec in all_rules()[:3]:
        made = run_rule(dataclasses.replace(spec, check=lambda ctx: iter(hits)), None)
        expected = [
            Finding(
                rule=spec.id,
                severity=hit.severity or spec.severity,
                stage=spec.stage,
                title=spec.title,
                message=hit.message,
                components=tuple(hit.components),
                links=tuple(hit.links),
                subject=hit.subject,
                suggestion=spec.suggestion,
                sources=spec.sources,
                unset=tuple(hit.unset),
            )
            for hit in hits
        ]
        assert made == expected
        assert [repr(f) for f in made] == [repr(f) for f in expected]
        assert [hash(f) for f in made] == [hash(f) for f in expected]
        assert [vars(f) for f in made] == [vars(f) for f in expected]
        assert made[1].with_changes(severity="error") == expected[1].with_changes(severity="error")
