"""The report's "Capacity and cost" section: heading, totals, derivations, missing inputs."""

from __future__ import annotations

from app.estimates import UTILISATION, assumptions, estimate_design, format_quantity
from app.export import report_bytes
from app.export.design_doc import property_label
from app.export.report.capacity import TITLE, sizing_figures
from app.templates import design_from_template
from tests.export.designs import HOSTILE_NAMES
from tests.export.pdfread import flat, outline, page_texts


def _section_text(pdf: bytes) -> str:
    """The text of the section's pages, from its heading to the next top-level heading."""
    marks = outline(pdf)
    top = [(title, page) for level, title, page in marks if level == 0]
    names = [title for title, _ in top]
    start = dict(top)[TITLE]
    end = top[names.index(TITLE) + 1][1]
    text = flat(" ".join(page_texts(pdf)[start - 1 : end]))
    return text[text.index(TITLE) :]


def test_capacity_section_has_totals_and_derivations(catalog):
    design = design_from_template("fraud_detection")
    estimate = estimate_design(design, catalog)
    pdf = report_bytes(design, None, catalog, report_date="2024-05-02", diagram_error="not needed here")
    marks = outline(pdf)
    top = [title for level, title, _ in marks if level == 0]
    assert top.index("Design by stage") < top.index(TITLE) < top.index("Decisions")
    assert {"Totals by stage", "Assumptions", "What sizes the system", "Missing inputs"} <= {
        title for level, title, _ in marks if level == 1
    }
    text = _section_text(pdf)
    cost = estimate.totals["monthly_cost"]
    assert cost > 0
    assert f"Total {flat(format_quantity(cost, 'USD/month'))}" in text
    assert f"sized for {UTILISATION:g} utilisation" in text
    for line in assumptions():
        assert flat(line) in text
    sizing = sizing_figures(design, estimate, catalog)
    assert {figure.name for _n, figure in sizing} >= {"replicas_needed", "monthly_cost"}
    for name, figure in sizing:  # each with its component, value and derivation
        assert flat(f"{name} · {figure.label}") in text
        assert flat(figure.derivation) in text
    index = design.component_by_id()
    for item in estimate.missing:  # labelled as elsewhere in the report, not by raw names
        component = index[item.component]
        label = property_label(item.property, catalog.kind(component.kind).property(item.property))
        assert flat(f"{component.name} · {label}: {item.why}") in text


def test_capacity_section_escapes_names(catalog, builder):
    name = HOSTILE_NAMES[1]  # reportlab markup typed as a name
    builder.add("endpoint", "Scoring API", id="api", qps=1200)
    builder.add("model", name, id="scorer", throughput_per_replica=100)
    builder.link("scorer", "api")
    estimate = estimate_design(builder.design, catalog)
    assert estimate.figure("scorer", "replicas_needed"), "a model behind a QPS is sized"
    pdf = report_bytes(builder.design, None, catalog, diagram_error="not needed here")
    assert flat(name) in _section_text(pdf)


def test_one_of_a_counted_unit_is_said_in_the_singular(catalog):
    """The churn template's model needs one serving replica: its report read 'Replicas needed
    1 replicas' and '= 0.343 -> 1 replicas', and a property of 1 in a counted unit read
    '1 runs/month' (so do the window's Estimates panel and `mlsd estimate`)."""
    import re

    from app.export.units import humanise_value

    design = design_from_template("churn_prediction")
    text = flat(" ".join(page_texts(report_bytes(design, catalog=catalog, diagram_error="skipped"))))
    assert "-> 1 replica " in text and "= 1 replica " in text
    assert not re.search(r"\b1 (replicas|runs|accelerators|items|tokens)\b", text)
    assert humanise_value(1, "runs/month") == "1 run/month" and humanise_value(2, "replicas") == "2 replicas"
    assert format_quantity(1, "replicas") == "1 replica"


def test_no_totals_is_said_rather_than_a_table_of_dashes(catalog):
    """A design whose estimates lack every input (missing inputs listed, no figure) got a
    'Totals by stage' table of one row: 'Total — — — —'."""
    from tests.export.designs import hostile_design

    design = hostile_design(catalog)
    estimate = estimate_design(design, catalog)
    assert estimate.missing and not any(estimate.totals.values())
    text = flat(" ".join(page_texts(report_bytes(design, catalog=catalog, diagram_error="skipped"))))
    assert "Total — — — —" not in text
    assert "No stage has a cost, storage, load or accelerator figure yet (see Missing inputs)." in text
