"""The shipped templates and the `mlsd templates` / `mlsd new` commands."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import pytest

from app import templates as template_library
from app.cli import main
from app.domain.catalog import STAGE_IDS
from app.domain.model import Design
from app.persistence import load_design, save_design
from app.rules.engine import check_design
from app.templates import design_from_template, find_template, list_templates, scan_templates

TEMPLATES = list_templates()
NAMES = [t.name for t in TEMPLATES]


def test_nine_templates_with_a_name_title_summary_and_problem():
    assert len(TEMPLATES) == 9
    assert "rag_assistant" in NAMES
    assert len(set(NAMES)) == len(NAMES)
    for template in TEMPLATES:
        assert template.title and template.summary and template.problem, template.name
        assert template.tags, template.name


@pytest.mark.parametrize("name", NAMES)
def test_template_covers_every_stage_with_no_errors_and_every_warning_decided(name, catalog):
    design = load_design(find_template(name).path, catalog).design
    result = check_design(design, catalog)
    assert [s for s in STAGE_IDS if not result.coverage[s].covered] == []
    errors = [f"{f.rule}: {f.message}" for f in result.findings if f.severity == "error"]
    assert errors == []
    open_warnings = [
        f"{f.rule}: {f.message}" for f in result.findings if f.severity == "warning" and not f.accepted
    ]
    assert open_warnings == []
    for finding in result.findings:
        if finding.accepted:
            assert finding.rationale and finding.rationale.strip(), finding.rule
    for decision in design.decisions:
        if decision.is_acceptance:
            assert decision.rationale.strip(), decision.id
        else:  # a design decision: weighed, and the choice among its options
            assert decision.title.strip() and decision.context.strip(), decision.id
            assert decision.weighs_alternatives and decision.chosen, decision.id
            assert all(o.pros and o.cons for o in decision.options), decision.id
            assert set(decision.components) <= {c.id for c in design.components}, decision.id
    designed = [d for d in design.decisions if not d.is_acceptance and d.status == "accepted"]
    assert len(designed) >= 2


def _design(name: str, catalog) -> Design:
    return load_design(find_template(name).path, catalog).design


def _props(design: Design, component_id: str) -> dict:
    return design.component_by_id()[component_id].properties


def _graph(design: Design, without_kinds: tuple[str, ...] = ()) -> nx.DiGraph:
    graph = nx.DiGraph()
    skip = {c.id for c in design.components if c.kind in without_kinds}
    graph.add_nodes_from(c.id for c in design.components if c.id not in skip)
    graph.add_edges_from(
        (lk.source, lk.target) for lk in design.links if lk.source not in skip and lk.target not in skip
    )
    return graph


@pytest.mark.parametrize("name", NAMES)
def test_template_hand_layout_has_no_overlapping_cards(name, catalog):
    from app.ui.canvas.style import CARD_H, CARD_W

    design = _design(name, catalog)
    cards = [(c.id, c.position.x, c.position.y) for c in design.components]
    overlapping = [
        (a, b)
        for i, (a, ax, ay) in enumerate(cards)
        for b, bx, by in cards[i + 1 :]
        if abs(ax - bx) < CARD_W and abs(ay - by) < CARD_H
    ]
    assert overlapping == []


def test_template_metrics_use_named_metrics(catalog):
    unnamed = []
    for name in NAMES:
        for component in _design(name, catalog).components:
            if component.kind == "metric" and component.properties.get("name") == "other":
                unnamed.append((name, component.id))
    assert unnamed == []


def test_rag_assistant_is_built_on_a_pinned_vendor_llm_behind_retrieval(catalog):
    design = _design("rag_assistant", catalog)
    assert 35 <= len(design.components) <= 45
    kinds = {c.id: c.kind for c in design.components}
    llms = [c for c in design.components if c.kind == "model" and c.properties.get("family") == "llm"]
    assert len(llms) == 1
    llm = llms[0].properties
    assert llm["provenance"] == "vendor_api" and llm["version_pinned"] is True
    assert llm["cost_per_1k_tokens"] > 0
    assert not any(kind == "training_job" for kind in kinds.values())
    graph = _graph(design)
    path = nx.shortest_path(graph, "vector_index", llms[0].id)
    assert [kinds[n] for n in path] == ["vector_index", "retriever", "prompt_template", "model"]
    retriever = _props(design, "retriever")
    assert retriever["method"] == "hybrid" and retriever["reranker"] is True and retriever["top_k"] > 0
    assert _props(design, "prompt")["versioned"] is True
    # Prompt and model swaps pass the offline gate, which scores groundedness, before the canary.
    assert _props(design, "evaluation")["gate"] is True
    assert {"prompt", llms[0].id, "golden_set"} <= set(nx.ancestors(graph, "evaluation"))
    assert "evaluation" in nx.ancestors(graph, "endpoint")
    assert _props(design, "release")["release_type"] == "canary"
    assert _props(design, "endpoint")["fallback"] not in (None, "none")
    metric_names = {c.properties.get("name") for c in design.components if c.kind == "metric"}
    assert {"groundedness", "recall_at_k"} <= metric_names
    watched = {w for c in design.components if c.kind == "monitor" for w in c.properties["watches"]}
    assert {"groundedness", "safety", "cost"} <= watched
    assert any(c.kind == "constraint" and c.properties.get("type") == "cost" for c in design.components)
    assert any(c.kind == "experiment_tracker" for c in design.components)
    assert any(c.kind == "experiment" and c.properties["experiment_type"] == "ab" for c in design.components)
    feedback = _props(design, "feedback_labels")
    assert feedback["label_type"] == "explicit" and feedback["delay_hours"] > 0


def test_rag_assistant_logs_no_personal_data_that_bypasses_governance(catalog):
    design = _design("rag_assistant", catalog)
    pii_sources = [
        c.id for c in design.components if c.kind == "data_source" and c.properties["contains_pii"]
    ]
    assert pii_sources
    ungoverned = _graph(design, without_kinds=("governance",))
    loggers = [c.id for c in design.components if c.kind == "prediction_logger"]
    for source in pii_sources:
        assert not any(nx.has_path(ungoverned, source, logger) for logger in loggers), source


def test_eta_guardrail_is_a_calibration_the_promise_can_meet_and_cancellations_are_censored(catalog):
    design = _design("eta_prediction", catalog)
    guard = _props(design, "m_late")
    assert guard["name"] == "ece" and guard["role"] == "guardrail" and guard["threshold"] == 0.02
    assert "p90" in design.meta.problem and "p80" not in design.meta.problem
    assert _props(design, "labels")["censored"] is True
    decision = next(d for d in design.decisions if d.rule == "R39")
    assert "censored" in decision.rationale and "no censoring" not in decision.rationale


def test_spam_audit_holdout_is_drawn_from_all_traffic_within_review_capacity(catalog):
    design = _design("spam_filter", catalog)
    holdout = _props(design, "logger")["holdout_pct"]
    audited_per_day = 500e6 * holdout / 100  # 500M messages/day, as the problem states
    assert "500M messages/day" in design.meta.problem
    assert audited_per_day + 25_000 <= _props(design, "human_review")["capacity_per_day"]
    assert "ALL messages" in design.component_by_id()["logger"].notes
    assert _props(design, "framing")["adversarial"] is True


def test_moderation_review_load_fits_capacity_and_the_task_is_multilabel(catalog):
    design = _design("content_moderation", catalog)
    assert "120M uploads/day" in design.meta.problem
    audited = 120e6 * _props(design, "logger")["holdout_pct"] / 100
    gray_band_cap, reports = 200_000, 50_000  # as the review queue's notes state
    capacity = _props(design, "human_review")["capacity_per_day"]
    assert audited + gray_band_cap + reports <= capacity
    for figure in ("200k", "50k", "120k", "400k"):
        assert figure in design.component_by_id()["human_review"].notes
    assert _props(design, "framing")["task"] == "multilabel"


@pytest.mark.parametrize(
    ("name", "index", "top_k"), [("ad_ctr", "ad_index", 300), ("search_ranking", "product_index", 200)]
)
def test_rankers_score_candidates_from_a_retriever(catalog, name, index, top_k):
    design = _design(name, catalog)
    graph = _graph(design)
    assert nx.shortest_path(graph, index, "model") == [index, "retriever", "model"]
    assert _props(design, "retriever")["top_k"] == top_k


def test_ad_ranking_is_calibrated(catalog):
    design = _design("ad_ctr", catalog)
    assert _props(design, "model")["calibration"] in ("platt", "isotonic", "temperature", "native")


def test_find_template_by_name_or_file_stem_and_unknown_names():
    first = TEMPLATES[0]
    assert find_template(first.name) == first
    assert find_template(first.path.stem).path == first.path
    with pytest.raises(LookupError, match="no template named 'nope'"):
        find_template("nope")


def test_design_from_template_is_a_fresh_copy_without_the_marker():
    design = design_from_template("recommendations")
    assert "template" not in (design.model_extra or {})
    assert design.meta.author == ""
    assert design.meta.created == design.meta.modified
    assert len(design.components) == len(load_design(find_template("recommendations").path).design.components)


# ---- CLI ----------------------------------------------------------------------------------


def test_mlsd_templates_lists_every_template(capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert len(lines) == len(TEMPLATES)
    for template in TEMPLATES:
        assert any(line.startswith(template.name) and template.title in line for line in lines)


def test_mlsd_new_from_a_template_writes_a_loadable_design(tmp_path, capsys, catalog):
    out = tmp_path / "fraud.mlsd"
    assert main(["new", "--template", "fraud_detection", str(out)]) == 0
    assert f"mlsd: wrote {out}: Payment fraud detection (" in capsys.readouterr().err
    design = load_design(out, catalog).design
    template = load_design(find_template("fraud_detection").path, catalog).design
    assert [c.id for c in design.components] == [c.id for c in template.components]
    assert "template" not in json.loads(out.read_text(encoding="utf-8"))
    result = check_design(design, catalog)
    assert all(cov.covered for cov in result.coverage.values())


def test_mlsd_new_without_a_template_writes_an_empty_titled_design(tmp_path, capsys):
    out = tmp_path / "my-churn_design.mlsd"
    assert main(["new", str(out)]) == 0
    design = load_design(out).design
    assert design.components == [] and design.meta.title == "my churn design"
    assert capsys.readouterr().err == f"mlsd: wrote {out}: my churn design (0 components)\n"


def test_mlsd_new_refuses_to_overwrite_unless_forced(tmp_path, capsys, builder):
    out = tmp_path / "mine.mlsd"
    builder.add("model", "Mine")
    save_design(builder.design, out)
    assert main(["new", "--template", "spam_filter", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert load_design(out).design.components[0].name == "Mine"
    assert main(["new", "--template", "spam_filter", "--force", str(out)]) == 0
    assert load_design(out).design.meta.title == find_template("spam_filter").title


def test_mlsd_new_into_a_folder_or_a_pipe_is_not_told_to_use_force(tmp_path, capsys):
    """`mlsd new FOLDER` said 'already exists (use --force to overwrite)', and with --force 'is
    a folder'; `mlsd new /dev/stdout` (or a named pipe, `>(jq .)`) refused to 'overwrite' it."""
    assert main(["new", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"mlsd: {tmp_path}: is a folder\n"
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with ThreadPoolExecutor(1) as pool:
        reading = pool.submit(pipe.read_bytes)
        status = main(["new", "--template", "spam_filter", str(pipe)])
        if status != 0:
            pipe.write_bytes(b"")  # lets the reader go
        assert status == 0
        assert json.loads(reading.result(timeout=20))["meta"]["title"] == find_template("spam_filter").title


def test_mlsd_new_titles_a_design_from_a_hostile_file_name_in_one_clean_line(tmp_path, capsys):
    """The title was the file's stem as it was: a name holding a line break and an RLO gave a
    design titled over two lines with an unclosed override, and a two-line message whose RLO
    reversed the rest of the terminal line."""
    out = tmp_path / "evil\u202e\nname_\u05e9\u05dc\u05d5\u05dd.mlsd"
    assert main(["new", str(out)]) == 0
    assert load_design(out).design.meta.title == "evil name \u05e9\u05dc\u05d5\u05dd"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\u202e" not in err
    assert err.endswith(": \u2068evil name \u05e9\u05dc\u05d5\u05dd\u2069 (0 components)\n")


def test_mlsd_new_with_an_unknown_template_exits_2(tmp_path, capsys):
    out = tmp_path / "x.mlsd"
    assert main(["new", "--template", "no_such", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no template named 'no_such'" in err and "recommendations" in err
    assert not out.exists()


def test_one_broken_template_is_listed_with_its_error_and_hides_no_other(
    tmp_path, builder, capsys, monkeypatch
):
    data = builder.design.to_json_data()
    data["meta"]["title"] = "Spam filter"
    data["template"] = {"name": "spam", "summary": "Classify messages", "tags": ["spam", 7], "x": 1}
    (tmp_path / "spam.mlsd").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "spam.png").write_bytes(b"\x89PNG")
    data["template"] = "not an object"
    data["meta"]["title"] = "Another"
    (tmp_path / "another.mlsd").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "broken.mlsd").write_text("{", encoding="utf-8")
    entries = scan_templates(tmp_path)
    assert [(e.name, e.title) for e in entries] == [
        ("another", "Another"),
        ("spam", "Spam filter"),
        ("broken", "broken"),
    ]
    another, spam, broken = entries
    assert (
        another.summary == "" and another.tags == () and another.thumbnail is None and another.error is None
    )
    assert spam.tags == ("spam", "7") and spam.thumbnail == tmp_path / "spam.png"
    assert broken.error is not None and "broken.mlsd" in broken.error
    assert list_templates(tmp_path) == [another, spam]
    assert find_template("spam", tmp_path) == spam
    with pytest.raises(LookupError, match="available: another, spam"):
        find_template("broken", tmp_path)
    monkeypatch.setattr(template_library, "templates_dir", lambda: tmp_path)
    assert main(["templates"]) == 0
    out, err = capsys.readouterr()
    assert [line.split()[0] for line in out.splitlines()] == ["another", "spam"]
    assert "warning: template skipped:" in err and "broken.mlsd" in err
