"""Comparing a design with a template, stage by stage (app.rules.compare)."""

from __future__ import annotations

from app.domain.model import Design
from app.persistence import load_design
from app.rules.compare import compare_designs, format_comparison, missing_kinds
from app.templates import find_template


def template(name: str, catalog) -> Design:
    return load_design(find_template(name).path, catalog).design


def kinds_by_stage(design: Design, catalog) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {s.id: [] for s in catalog.stages}
    for spec in catalog.kinds.values():
        if any(c.kind == spec.id for c in design.components):
            found[spec.stage].append(spec.id)
    return found


def test_an_empty_design_misses_every_kind_of_the_template_in_every_stage(catalog):
    reference = template("recommendations", catalog)
    comparisons = compare_designs(Design(), reference, catalog)
    assert [c.stage for c in comparisons] == [s.id for s in catalog.stages]
    assert missing_kinds(comparisons) == kinds_by_stage(reference, catalog)
    for c in comparisons:
        assert c.missing and not c.shared and not c.extra
        assert c.theirs_covered and not c.mine_covered and not c.complete


def test_a_template_compared_with_itself_misses_nothing(catalog):
    reference = template("recommendations", catalog)
    comparisons = compare_designs(reference, reference, catalog)
    assert all(c.complete and c.mine_covered and c.theirs_covered for c in comparisons)
    assert missing_kinds(comparisons) == {s.id: [] for s in catalog.stages}
    shared = {k.kind: (len(k.mine), len(k.theirs)) for c in comparisons for k in c.shared}
    monitors = sum(1 for c in reference.components if c.kind == "monitor")
    assert shared["monitor"] == (monitors, monitors)


def test_missing_kinds_name_the_templates_components_and_shared_kinds_count_both(catalog, builder):
    reference = template("recommendations", catalog)
    builder.add("monitor", "My drift monitor")
    builder.add("endpoint", "API")
    builder.add("business_objective", "Engagement")
    builder.add("human_review", "Reviewers")  # a kind the template does not use
    comparisons = {c.stage: c for c in compare_designs(builder.design, reference, catalog)}
    monitoring = comparisons["monitoring"]
    names = [c.name for c in reference.components if c.kind == "monitor"]
    monitor = next(k for k in monitoring.shared if k.kind == "monitor")
    assert monitor.mine == ("My drift monitor",) and list(monitor.theirs) == names
    assert monitor.describe_shared() == f"monitor (you 1, template {len(names)})"
    assert "monitor" not in [k.kind for k in monitoring.missing]
    assert [k.kind for k in comparisons["serving"].extra] == ["human_review"]
    assert comparisons["monitoring"].mine_covered and not comparisons["data"].mine_covered


def test_text_format_lists_missing_kinds_with_the_templates_names(catalog):
    reference = template("recommendations", catalog)
    text = format_comparison(compare_designs(Design(), reference, catalog))
    monitors = [c.name for c in reference.components if c.kind == "monitor"]
    assert f"monitor (template has {len(monitors)}: {', '.join(monitors)})" in text
    assert "6. Evaluation and monitoring: yours not covered, template covered" in text
    for stage in catalog.stages:
        assert f"{stage.number}. {stage.label}:" in text
