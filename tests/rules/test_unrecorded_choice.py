"""R54: a model family or serving mode chosen with no design decision recording an alternative;
and the rubric's decision-making score counting decisions that weigh alternatives."""

from __future__ import annotations

from app.domain.model import Decision, DecisionOption
from app.rules.rubric import weighed_decisions
from tests.rules.helpers import findings
from tests.rules.rubric_cases import rubric_of, template_design


def _option(name: str) -> DecisionOption:
    return DecisionOption(name=name, pros=[f"{name} is cheap"], cons=[f"{name} is slow"])


def _decision(components: list[str], **fields: object) -> Decision:
    values: dict[str, object] = {
        "id": "d1",
        "title": "GBDT or a deep model",
        "components": components,
        "context": "Tabular features, 50 ms budget.",
        "options": [_option("GBDT"), _option("Deep model")],
        "chosen": "GBDT",
        "consequences": "CPU serving; the deep model is revisited with more data.",
        "date": "2026-12-06",
    }
    values.update(fields)
    return Decision.model_validate(values)


def _scorer(builder, family: str | None = "gbdt", mode: str | None = "online") -> tuple[str, str]:
    model = builder.add("model", "Scorer", **({"family": family} if family else {}))
    endpoint = builder.add("endpoint", "Scoring API", **({"mode": mode} if mode else {}))
    builder.link(model, endpoint)
    return model, endpoint


def test_r54_fires_on_a_model_family_and_a_serving_mode_with_no_decision(builder):
    model, endpoint = _scorer(builder)
    hits = findings(builder.design, "R54")
    assert [h.components for h in hits] == [(model,), (endpoint,)]
    assert all(h.severity == "info" for h in hits)
    assert "Scorer is a gbdt model" in hits[0].message
    assert "Scoring API serves in online mode" in hits[1].message


def test_r54_quiet_when_nothing_is_chosen(builder):
    _scorer(builder, family=None, mode=None)
    assert findings(builder.design, "R54") == []


def test_r54_quiet_when_a_standing_decision_weighs_alternatives(builder):
    model, endpoint = _scorer(builder)
    builder.design.decisions.append(_decision([model, endpoint]))
    assert findings(builder.design, "R54") == []
    builder.design.decisions[0] = _decision([model, endpoint], status="proposed")
    assert findings(builder.design, "R54") == []


def test_r54_fires_when_the_decision_weighs_nothing_or_no_longer_stands(builder):
    model, endpoint = _scorer(builder)
    cases = [
        {"options": [_option("GBDT")]},  # one option
        {"consequences": ""},  # no consequences
        {"status": "rejected"},
        {"status": "superseded"},
    ]
    for fields in cases:
        builder.design.decisions[:] = [_decision([model, endpoint], **fields)]
        assert len(findings(builder.design, "R54")) == 2, fields


def test_r54_fires_on_the_endpoint_when_only_the_model_is_decided(builder):
    model, endpoint = _scorer(builder)
    builder.design.decisions.append(_decision([model]))
    assert [h.components for h in findings(builder.design, "R54")] == [(endpoint,)]


def test_templates_record_their_choices(catalog):
    from app.templates import list_templates

    for template in list_templates():
        design = template_design(template.name, catalog)
        assert findings(design, "R54") == [], template.name
        assert len(weighed_decisions(design)) >= 2, template.name


# ---- the rubric's decision-making score -----------------------------------------------------


def test_decision_making_counts_decisions_that_weigh_alternatives_and_names_them(catalog):
    design = template_design("churn_prediction", catalog)
    full = rubric_of(design, catalog).dimension("Decision-making")
    weighed = weighed_decisions(design)
    assert full.score == 5
    made = next(r for r in full.reasons if r.startswith("+1 decisions made"))
    for decision in weighed[:4]:
        assert f'"{decision.title}"' in made
    bare = design.model_copy(update={"decisions": []}, deep=True)
    bare.invalidate_indexes()
    without = rubric_of(bare, catalog).dimension("Decision-making")
    assert without.score == 4
    assert any(r.startswith("+0 no decision made") for r in without.reasons), without.reasons


def test_a_choice_without_two_options_and_consequences_is_not_counted(catalog):
    design = template_design("churn_prediction", catalog).model_copy(deep=True)
    design.invalidate_indexes()
    thin = [d.model_copy(update={"options": d.options[:1]}) for d in design.decisions if not d.rule]
    design.decisions = [d for d in design.decisions if d.rule] + thin
    score = rubric_of(design, catalog).dimension("Decision-making")
    if not any(d.rule for d in design.decisions):
        assert score.score == 4
    assert any("a choice, not yet a weighed decision" in r for r in score.reasons), score.reasons
