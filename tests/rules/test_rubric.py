"""The interview rubric: scores, reasons, questions; `mlsd check --rubric`; the report section."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main
from app.domain import ops
from app.domain.catalog import default_catalog
from app.domain.model import Decision, Design, Meta
from app.export.report import report_bytes
from app.export.report.rubric import RUBRIC_HEADING, rubric_section
from app.persistence import save_design
from app.rules.engine import check_design
from app.rules.rubric import format_rubric_text, score_design
from app.templates import list_templates
from tests.export.pdfread import text_of
from tests.rules.rubric_cases import (
    flawed_designs,
    half_finished_recommender,
    honest_recommender,
    pad,
    rubric_of,
    scores,
    template_design,
    with_property,
)

DIMENSIONS = ["Problem translation", "Decision-making", "Breadth and depth"]
TEMPLATE_NAMES = [t.name for t in list_templates()]


def test_an_empty_design_scores_zero_on_breadth_and_is_asked_about_every_stage(catalog):
    rubric = rubric_of(Design(), catalog)
    assert [d.name for d in rubric.dimensions] == DIMENSIONS
    assert rubric.dimension("Breadth and depth").score == 0
    assert rubric.dimension("Decision-making").score == 0
    assert rubric.dimension("Problem translation").score == 0
    for stage in catalog.stages:
        assert any(q.startswith(f"{stage.label} is not covered yet.") for q in rubric.questions)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_template_scores_full_marks(name, catalog):
    """The templates are sound: every component substantive, no open flaw and no unknown
    (their trade-offs are accepted with a rationale), so nothing costs a point."""
    rubric = rubric_of(template_design(name, catalog), catalog)
    scores = {d.name: d.score for d in rubric.dimensions}
    assert all(score == 5 for score in scores.values()), rubric.to_json_data()
    assert all(d.reasons for d in rubric.dimensions)
    assert not any(r.startswith("-") for d in rubric.dimensions for r in d.reasons), rubric.to_json_data()


def test_removing_the_business_objective_lowers_translation_and_asks_about_it(catalog):
    design = template_design("recommendations", catalog)
    before = rubric_of(design, catalog)
    objectives = [c.id for c in design.components if c.kind == "business_objective"]
    assert objectives
    for component_id in objectives:
        ops.remove_component(design, component_id)
    after = rubric_of(design, catalog)
    assert after.dimension("Problem translation").score < before.dimension("Problem translation").score
    assert "+0 no business objective with a KPI" in after.dimension("Problem translation").reasons
    new = [q for q in after.questions if q not in before.questions]
    assert any("business objective" in q or "KPI" in q for q in new), new


def test_a_design_with_two_stages_cannot_score_high_on_decision_making(catalog, builder):
    framing = builder.add("problem_framing", "Framing", task="binary", ml_needed="yes")
    source = builder.add("data_source", "Events", owner="data team")
    builder.link(source, framing)
    rubric = rubric_of(builder.design, catalog)
    decisions = rubric.dimension("Decision-making")
    assert decisions.score <= 1
    assert any("not designed yet" in r for r in decisions.reasons)


def test_rubric_json_and_text(catalog):
    rubric = rubric_of(template_design("spam_filter", catalog), catalog)
    data = rubric.to_json_data()
    assert [d["name"] for d in data["dimensions"]] == DIMENSIONS
    assert data["max"] == 15 and data["total"] == rubric.total == sum(d["score"] for d in data["dimensions"])
    text = format_rubric_text(rubric)
    assert text.startswith(f"Interview rubric: {rubric.total}/15")
    for name in DIMENSIONS:
        assert f"  {name}: " in text


# ---- mlsd check --rubric ------------------------------------------------------------------


@pytest.fixture
def partial_file(tmp_path, builder):
    objective = builder.add("business_objective", "Watch time", kpi="watch minutes per user")
    metric = builder.add("metric", "NDCG")
    builder.link(metric, objective, flow="proxy")
    builder.add("data_source", "Events")
    path = tmp_path / "partial.mlsd"
    save_design(builder.design, path)
    return path


def test_check_rubric_prints_the_rubric_after_the_findings(partial_file, capsys):
    main(["check", str(partial_file), "--rubric"])
    out = capsys.readouterr().out
    assert "Interview rubric: " in out
    for name in DIMENSIONS:
        assert f"{name}: " in out
    assert "Follow-up questions:" in out
    assert out.index("Interview rubric: ") > 0


def test_check_rubric_json_has_a_rubric_object(partial_file, capsys):
    main(["check", str(partial_file), "--rubric", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    rubric = data["rubric"]
    assert [d["name"] for d in rubric["dimensions"]] == DIMENSIONS
    assert all(0 <= d["score"] <= 5 and d["reasons"] for d in rubric["dimensions"])
    assert rubric["max"] == 15 and isinstance(rubric["questions"], list) and rubric["questions"]
    main(["check", str(partial_file), "--format", "json"])
    assert "rubric" not in json.loads(capsys.readouterr().out)


# ---- the report section -------------------------------------------------------------------


def test_rubric_section_in_the_report_with_escaped_user_text(catalog, builder):
    builder.add("business_objective", "Revenue <b>&</b> growth", kpi="<i>revenue</i> & margin")
    builder.add("data_source", "Events")
    design = builder.design
    result = check_design(design, catalog)
    rubric = score_design(design, result, catalog)
    heading, flowables = rubric_section(rubric, [("Problem", "Spam <script> & co")])
    assert heading == RUBRIC_HEADING and flowables
    pdf = report_bytes(
        design, result, catalog, extra_sections=[(heading, flowables)], diagram_error="skipped"
    )
    text = text_of(pdf)
    start = text.rindex("Interview rubric")
    section = text[start : text.rindex("Appendix A. Rules and their result")]
    for name in DIMENSIONS:
        assert name in section
    assert "Follow-up questions" in section
    assert "<i>revenue</i> & margin" in section  # printed as typed, not read as markup
    assert "Spam <script> & co" in section
    assert f"Total: {rubric.total} of 15" in section


def test_export_rubric_flag_adds_the_section_to_the_pdf(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MLSD_DOT", str(tmp_path / "no-dot"))  # no Graphviz needed: a note instead
    source = tmp_path / "design.mlsd"
    save_design(Design(meta=Meta(title="Rubric export", problem="Rank videos")), source)
    out = tmp_path / "report.pdf"
    main(["export", str(source), "--pdf", str(out), "--rubric"])
    text = text_of(out.read_bytes())
    assert "Interview rubric" in text and "Follow-up questions" in text
    for name in DIMENSIONS:
        assert name in text
    plain = tmp_path / "plain.pdf"
    main(["export", str(source), "--pdf", str(plain)])
    assert "Interview rubric" not in text_of(plain.read_bytes())


def test_export_rubric_needs_a_pdf(tmp_path, capsys):
    source = tmp_path / "design.mlsd"
    save_design(Design(), source)
    assert main(["export", str(source), "--mermaid", str(tmp_path / "d.mmd"), "--rubric"]) == 2
    assert "--rubric" in capsys.readouterr().err


# ---- soundness over boxes: substantive components, unknowns, monotonicity -------------------


def test_padding_with_empty_boxes_does_not_raise_the_score(catalog):
    for design in (template_design("recommendations", catalog), half_finished_recommender(catalog)):
        plain, padded = scores(design, catalog), scores(pad(design, catalog), catalog)
        assert all(padded[name] <= plain[name] for name in DIMENSIONS), (plain, padded)


def test_a_half_finished_design_scores_below_the_same_design_filled_in_honestly(catalog):
    half = rubric_of(half_finished_recommender(catalog), catalog)
    padded = rubric_of(pad(half_finished_recommender(catalog), catalog), catalog)
    honest = rubric_of(honest_recommender(catalog), catalog)
    assert padded.total <= half.total < honest.total
    for dimension in DIMENSIONS:
        assert half.dimension(dimension).score <= honest.dimension(dimension).score
    # The nine boxes cover serving and monitoring on the canvas, but add no breadth.
    breadth = padded.dimension("Breadth and depth")
    assert breadth.score == 0
    assert "+0 none of the 6 stages has substantive components yet" in breadth.reasons
    # An unset rule-critical property is charged like the flaw it may hide.
    assert any("R2 unknown" in r and "ml_needed" in r for r in half.dimension("Problem translation").reasons)


def test_substantive_means_enough_properties_to_be_checked(catalog):
    from app.domain.model import Component
    from app.rules.rubric_scoring import is_empty_box, is_substantive, properties_needed

    assert [properties_needed(n) for n in (1, 2, 3, 4, 5, 12)] == [1, 1, 2, 2, 3, 3]
    endpoint = Component(id="e", kind="endpoint", name="Feed API", properties={"mode": "online", "qps": 10.0})
    assert not is_substantive(endpoint, catalog) and not is_empty_box(endpoint, catalog)
    endpoint.properties["fallback"] = "cached"
    assert is_substantive(endpoint, catalog)
    assert is_empty_box(Component(id="m", kind="monitor", properties={"watches": []}), catalog)


def test_blank_text_and_unnamed_boxes_earn_no_point(catalog):
    from app.domain.model import Component
    from app.rules.rubric_scoring import is_empty_box, is_substantive

    blank = Component(id="m", kind="monitor", name="Drift", properties={"watches": [" "], "channel": "  "})
    assert is_empty_box(blank, catalog)
    unnamed = Component(id="m", kind="monitor", name=" ", properties={"watches": ["errors"], "channel": "pg"})
    assert is_empty_box(unnamed, catalog) and not is_substantive(unnamed, catalog)
    # A KPI of spaces is no KPI.
    design = half_finished_recommender(catalog)
    objective = next(c for c in design.components if c.kind == "business_objective")
    blank = rubric_of(with_property(design, objective.id, "kpi", "   "), catalog)
    reasons = blank.dimension("Problem translation").reasons
    assert "+0 no business objective with a KPI" in reasons, reasons


def test_unnamed_filled_boxes_do_not_raise_the_score(catalog):
    """A box with its properties filled in but no name covers no stage an interviewer can read."""
    from app.domain.model import Component, Link

    design = honest_recommender(catalog)  # designs no monitoring stage
    padded = design.model_copy(deep=True)
    padded.invalidate_indexes()
    padded.components.append(
        Component(id="pad_mon", kind="monitor", name="", properties={
            "watches": ["latency", "errors", "data_drift"], "alerting": True, "channel": "pager"})
    )  # fmt: skip
    padded.links.append(Link(id="pad_watch", source="pad_mon", target="ranker", flow="watch"))
    padded.invalidate_indexes()
    plain, with_unnamed = scores(design, catalog), scores(padded, catalog)
    assert all(with_unnamed[name] <= plain[name] for name in DIMENSIONS), (plain, with_unnamed)
    breadth = rubric_of(padded, catalog).dimension("Breadth and depth").reasons
    assert breadth[0] == rubric_of(design, catalog).dimension("Breadth and depth").reasons[0], breadth


def test_an_unknown_costs_at_least_the_flaw_it_hides(catalog):
    base = template_design("recommendations", catalog)
    fixed = scores(base, catalog)["Decision-making"]
    flawed = scores(with_property(base, "dataset", "split", "random"), catalog)["Decision-making"]
    unknown_design = base.model_copy(deep=True)
    unknown_design.invalidate_indexes()
    del unknown_design.component_by_id()["dataset"].properties["split"]
    unknown = rubric_of(unknown_design, catalog).dimension("Decision-making")
    assert unknown.score <= flawed < fixed
    assert any(r.startswith("-2 R17 unknown") and "split of" in r for r in unknown.reasons), unknown.reasons


def test_filling_in_what_the_rules_ask_for_never_lowers_the_score(catalog):
    """From the half-finished recommender, fill in each property a rule reports as unknown
    with the template's value, one at a time: no dimension ever drops."""
    from app.rules.rubric_scoring import unknown_properties

    template = {c.id: c for c in honest_recommender(catalog).components}
    design = half_finished_recommender(catalog)
    previous = scores(design, catalog)
    filled = 0
    for _ in range(60):
        index = design.component_by_id()
        names = {c.id: c.name for c in design.components}
        todo = []
        for finding in check_design(design, catalog).findings:
            for ref, prop in unknown_properties(finding):
                cid = ref if ref in index else next((i for i, n in names.items() if n == ref), None)
                if cid and prop and prop in template[cid].properties and prop not in index[cid].properties:
                    todo.append((cid, prop))
        if not todo:
            break
        cid, prop = sorted(todo)[0]
        index[cid].properties[prop] = template[cid].properties[prop]
        now = scores(design, catalog)
        assert all(now[d] >= previous[d] for d in DIMENSIONS), (cid, prop, previous, now)
        previous, filled = now, filled + 1
    assert filled >= 5
    assert sum(previous.values()) > sum(scores(half_finished_recommender(catalog), catalog).values())


def _blanked(design: Design, chosen: set[tuple[str, str]]) -> Design:
    blank = design.model_copy(deep=True)
    blank.invalidate_indexes()
    for component in blank.components:
        component.properties = {
            k: v for k, v in component.properties.items() if (component.id, k) not in chosen
        }
    return blank


FLAWED_CASES = [
    "random split on time-series data",
    "no gate before serving",
    "uncorrected negative sampling before an auction",
]


def _template_or_flawed(name: str, catalog) -> Design:
    if name in FLAWED_CASES:
        return flawed_designs(catalog)[name][0]
    return template_design(name, catalog)


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(TEMPLATE_NAMES + FLAWED_CASES), data=st.data())
def test_blanking_properties_never_raises_the_score(name, data):
    """Templates, and templates with a classic flaw (which score below 15)."""
    catalog = default_catalog()
    design = _template_or_flawed(name, catalog)
    original = scores(design, catalog)
    props = sorted((c.id, k) for c in design.components for k in c.properties)
    chosen = data.draw(st.sets(st.sampled_from(props), min_size=1, max_size=len(props)))
    blank = scores(_blanked(design, chosen), catalog)
    assert all(blank[d] <= original[d] for d in DIMENSIONS), (original, blank)


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(TEMPLATE_NAMES), data=st.data())
def test_a_sound_design_scores_at_least_as_well_as_with_components_emptied(name, data):
    catalog = default_catalog()
    design = template_design(name, catalog)
    original = scores(design, catalog)
    ids = sorted(c.id for c in design.components)
    emptied = data.draw(st.sets(st.sampled_from(ids), min_size=1, max_size=len(ids)))
    chosen = {(c.id, k) for c in design.components if c.id in emptied for k in c.properties}
    after = rubric_of(_blanked(design, chosen), catalog)
    assert all(after.dimension(d).score <= original[d] for d in DIMENSIONS), (original, after.to_json_data())
    # An interviewer asks what the empty boxes are.
    assert any("no property set" in q for q in after.questions), after.questions


# ---- classic flaws lose points in their own dimension -----------------------------------------


@pytest.mark.parametrize("case", FLAWED_CASES)
def test_a_classic_flaw_loses_points_in_its_dimension(case, catalog):
    flawed, fixed, dimension = flawed_designs(catalog)[case]
    bad, good = scores(flawed, catalog), scores(fixed, catalog)
    assert bad[dimension] < good[dimension]
    for other in DIMENSIONS:
        if other != dimension:
            assert bad[other] == good[other], (other, bad, good)


def test_uncorrected_undersampling_before_a_threshold_costs_decision_making(catalog):
    fraud = template_design("fraud_detection", catalog)
    flawed = with_property(fraud, "sampling", "weighted_correction", False)
    bad, good = rubric_of(flawed, catalog), rubric_of(fraud, catalog)
    decisions = bad.dimension("Decision-making")
    assert decisions.score < good.dimension("Decision-making").score
    assert any(r.startswith("-1 R20 ") for r in decisions.reasons), decisions.reasons
    assert any("How do you correct the scores for that sampling" in q for q in decisions.questions)


def test_an_accepted_finding_with_a_rationale_is_a_decision_not_a_flaw(catalog):
    flawed, _, _ = flawed_designs(catalog)["no gate before serving"]
    open_score = scores(flawed, catalog)["Decision-making"]
    finding = next(f for f in check_design(flawed, catalog).findings if f.rule == "R28")
    flawed.decisions.append(
        Decision(
            id="d1",
            rule="R28",
            components=list(finding.components),
            subject=finding.subject,
            rationale="Shadow traffic replaces the offline gate for this ranker.",
        )
    )
    accepted = rubric_of(flawed, catalog).dimension("Decision-making")
    assert accepted.score > open_score
    assert any("accepted with a written rationale (R28)" in r for r in accepted.reasons)


def test_a_blank_rationale_or_blank_options_are_no_decision_made(catalog):
    from app.domain.model import DecisionOption

    flawed, _, _ = flawed_designs(catalog)["no gate before serving"]
    finding = next(f for f in check_design(flawed, catalog).findings if f.rule == "R28")
    flawed.decisions.append(
        Decision(id="d1", rule="R28", components=list(finding.components), subject=finding.subject,
                 rationale="   ")
    )  # fmt: skip
    reasons = rubric_of(flawed, catalog).dimension("Decision-making").reasons
    assert not any("accepted with a written rationale" in r for r in reasons), reasons
    choice = Decision(id="d2", title="Ranker family", status="accepted", consequences="Faster to ship.",
                      options=[DecisionOption(name=" ", pros=["Learns embeddings"]),
                               DecisionOption(name="  ", cons=["Needs hand-built aggregates"])])  # fmt: skip
    assert not choice.weighs_alternatives
    choice.options[1].name = "GBDT"
    assert not choice.weighs_alternatives
    choice.options[0].name = "Deep model"
    assert choice.weighs_alternatives


def test_two_option_names_with_no_pro_or_con_are_a_list_not_a_decision_made(catalog):
    """An accepted decision naming two options but arguing none of them (or only one) earns no
    "decision made": the rubric names it as a choice not yet weighed, and R54 still asks for
    the alternatives of the model it concerns."""
    from app.domain.model import DecisionOption

    design = flawed_designs(catalog)["no gate before serving"][0]
    model = next(c for c in design.components if c.kind == "model")
    model.properties["family"] = "gbdt"
    design.decisions = [d for d in design.decisions if d.is_acceptance]
    options = [DecisionOption(name="GBDT"), DecisionOption(name="Deep model", pros=[" "])]
    choice = Decision(id="d2", title="Ranker family", status="accepted", components=[model.id],
                      consequences="Faster to ship.", options=options)  # fmt: skip
    design.decisions.append(choice)

    def judged() -> tuple[list[str], bool]:
        reasons = rubric_of(design, catalog).dimension("Decision-making").reasons
        findings = check_design(design, catalog).findings
        r54 = any(f.rule == "R54" and model.id in f.components for f in findings)
        return reasons, r54

    reasons, r54 = judged()
    assert not choice.weighs_alternatives and r54
    assert any('without two options argued (a pro or con each) and consequences ("Ranker family")' in r
               for r in reasons), reasons  # fmt: skip
    assert not any(r.startswith("+1 decisions made") for r in reasons), reasons
    choice.options[0].cons = ["Needs hand-built aggregates for sequences"]
    reasons, r54 = judged()
    assert not choice.weighs_alternatives and r54  # one option argued is not a weighing
    choice.options[1].pros = ["Learns embeddings for sparse ids"]
    reasons, r54 = judged()
    assert choice.weighs_alternatives and not r54
    assert any('+1 decisions made: 1 design decision weighing alternatives' in r for r in reasons), reasons


def test_every_rule_has_a_dimension_and_every_topic_agrees_with_it():
    from app.rules.questions import RULE_TOPIC, TOPICS
    from app.rules.registry import all_rules
    from app.rules.rubric_scoring import RULE_DIMENSION

    for spec in all_rules():
        assert spec.id in RULE_DIMENSION, spec.id
        topic = RULE_TOPIC.get(spec.id)
        if topic is not None and topic in TOPICS:
            assert TOPICS[topic][0] == RULE_DIMENSION[spec.id], (spec.id, topic)


def test_setting_rollback_none_on_a_big_bang_release_never_scores_above_leaving_it_unset(catalog):
    """R29 escalates to error when rollback is none and nothing is gradual: the unknown must cost
    as much (the rule's declared ceiling), or filling it in honestly would lower the score."""
    from pathlib import Path

    from app.persistence import load_design

    path = Path(__file__).resolve().parent / "variants" / "release_safety" / "sound.mlsd"
    design = load_design(path, catalog).design
    release = next(c for c in design.components if c.kind == "release_strategy")
    totals = {}
    for rollback in (None, "none"):
        release.properties.update(release_type="big_bang", rollback=rollback)
        totals[rollback] = score_design(design, check_design(design, catalog), catalog).total
    assert totals["none"] <= totals[None]


def test_soundness_says_which_flaws_it_counts(catalog):
    """Breadth and depth's soundness point said 'no flaw left open' while the same rubric took
    points off decision-making for open errors (the feed example: R22, R24)."""
    from pathlib import Path

    from app.persistence import load_design

    design = load_design(Path(__file__).parents[2] / "docs" / "examples" / "feed-in-progress.mlsd").design
    result = check_design(design, catalog)
    rubric = score_design(design, result, catalog)
    breadth = next(d for d in rubric.dimensions if d.name.startswith("Breadth"))
    assert any(f.severity == "error" and not f.accepted for f in result.findings)
    assert "+1 for soundness: no coverage, structure or depth flaw left open" in breadth.reasons


def test_a_rule_costs_nothing_when_the_design_has_nothing_it_judges(catalog):
    """An empty design was charged '-2 R1 ML metric not tied to a business KPI' with no metric
    drawn: the missing metric and objective are the points not earned, not a flaw of theirs."""
    from app.domain.model import Component

    empty = rubric_of(Design(), catalog).dimension("Problem translation")
    assert not any(r.startswith("-") for r in empty.reasons), empty.reasons
    framing = Component(id="f", kind="problem_framing", name="Framing", properties={"task": "binary"})
    framed = Design(components=[framing])
    assert not any("R1" in r for r in rubric_of(framed, catalog).dimension("Problem translation").reasons)
    # A metric drawn without an objective is what R1 judges: it still costs, named or not.
    for properties in ({"name": "auc"}, {}):
        metric = Component(id="m", kind="metric", name="AUC", properties=properties)
        drawn = rubric_of(Design(components=[metric]), catalog).dimension("Problem translation")
        assert any(r.startswith("-2 R1") for r in drawn.reasons), drawn.reasons


def test_the_reasons_of_decision_making_and_soundness_read_as_sentences(catalog):
    """'4 to start with' was a bare number among signed points, and '+0 nothing substantive to
    judge the soundness of' read abruptly."""
    decisions = rubric_of(template_design("spam_filter", catalog), catalog).dimension("Decision-making")
    assert decisions.reasons[0] == "starts at 4 of 5: a sound design still has to show its trade-offs"
    breadth = rubric_of(Design(), catalog).dimension("Breadth and depth")
    assert "+0 for soundness: no substantive component yet, so nothing to judge as sound" in breadth.reasons


def test_the_reasons_isolate_the_names_of_unset_gates_and_of_the_findings_they_quote(catalog):
    """"-1 R50 unknown (...): censored of A, B unset; were it True: Outcomes in A are censored
    ...": neither the components listed as unset nor the names in the finding's message were
    isolated, so two right-to-left names with only ", " between them read as one phrase,
    swapped (the report's risks and the reasons' own names were isolated already)."""
    from pathlib import Path

    from app.domain.text import FSI, PDI
    from app.persistence import load_design

    design = load_design(Path(__file__).resolve().parent / "variants" / "label_quality" / "sound.mlsd").design
    hebrew = "אבגדהוזחטיכלמנסעפצקרשת"
    for i, component in enumerate(design.components):
        component.name = hebrew[i % 22] + hebrew[i // 22 % 22] + "ש"
    design.invalidate_indexes()
    reasons = [r for d in rubric_of(design, catalog).dimensions for r in d.reasons]
    censored = [r for r in reasons if "R50 unknown" in r and "censored of" in r]
    assert censored, reasons
    for reason in censored:
        unset, _, message = reason.partition("; were it ")
        listed = unset.split("censored of ", 1)[1].removesuffix(" unset")
        assert all(name.startswith(FSI) and name.endswith(PDI) for name in listed.split(", ")), reason
        assert message.count(FSI) >= 2 and message.count(FSI) == message.count(PDI), reason
