"""The report's diagrams: one system diagram, and one diagram opening each stage's section."""

from __future__ import annotations

import re

import pytest
from pypdf.generic import ContentStream
from reportlab.graphics.shapes import Drawing

from app.domain.model import Component, Design, Link
from app.export import render, report_bytes
from app.export.dot import STAGE_LABEL_LIMIT, build_stage_graph, stage_view
from app.export.report.diagram import (
    MIN_STAGE_SCALE,
    OVERVIEW_LABEL_LIMIT,
    STAGE_DIAGRAM_LIMIT,
    DiagramFlowable,
    render_diagram,
    stage_placement,
)
from app.export.text import wrap_lines
from app.rules.engine import CheckResult, stage_coverage
from tests.export.pdfread import flat, outline, reader, text_of
from tests.export.svgtext import all_texts, node_texts


def _forms(page) -> list:
    """The form XObjects (diagrams) a page shows."""
    objects = page.get("/Resources", {}).get("/XObject", {})
    return [o.get_object() for o in objects.values() if o.get_object().get("/Subtype") == "/Form"]


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _drawn_forms(pdf, page) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(name, box on the page) of every form the page's content draws."""
    forms = page.get("/Resources", {}).get("/XObject", {})
    stack, ctm, drawn = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
    for operands, operator in ContentStream(page.get_contents(), pdf).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif operator == b"Do" and str(operands[0]) in forms:
            x0, y0, x1, y1 = (float(v) for v in forms[str(operands[0])].get_object()["/BBox"])
            xs = [x * ctm[0] + y * ctm[2] + ctm[4] for x in (x0, x1) for y in (y0, y1)]
            ys = [x * ctm[1] + y * ctm[3] + ctm[5] for x in (x0, x1) for y in (y0, y1)]
            drawn.append((str(operands[0]), (min(xs), min(ys), max(xs), max(ys))))
    return drawn


@pytest.fixture
def recommender_report(recommender, recommender_check, catalog, renderer) -> bytes:
    return report_bytes(recommender, recommender_check, catalog, report_date="2024-05-02")


def test_each_stage_section_opens_with_its_diagram(recommender_report, recommender, catalog):
    pdf = reader(recommender_report)
    pages = {title: number for level, title, number in outline(recommender_report) if level == 1}
    for stage in catalog.stages:
        view = stage_view(recommender, catalog, stage.id)
        assert view.members, stage.id
        page = pdf.pages[pages[f"{stage.number}. {stage.label}"] - 1]
        forms = _forms(page)
        assert len(forms) == 1, (stage.id, len(forms))
        drawn = flat(page.extract_xform_text(forms[0]))
        for index in view.members:
            name = recommender.components[index].name
            assert flat(" ".join(wrap_lines(name))) in drawn, (stage.id, name)
            # Drawn in the diagram and printed as its heading: twice in the report at least.
            assert text_of(recommender_report).count(flat(name)) >= 2, name
        for index in view.context:  # linked components of other stages, greyed
            assert flat(" ".join(wrap_lines(recommender.components[index].name, 24))) in drawn
        others = set(range(len(recommender.components))) - set(view.members) - set(view.context)
        for index in others:
            assert recommender.components[index].name not in drawn, (stage.id, index)


def test_diagrams_are_never_cropped_and_have_no_detail_pages(recommender_report):
    pdf = reader(recommender_report)
    assert not [title for _level, title, _page in outline(recommender_report) if title.startswith("Diagram")]
    assert "Diagram:" not in text_of(recommender_report)
    seen = 0
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        for _name, (x0, y0, x1, y1) in _drawn_forms(pdf, page):
            seen += 1
            assert x0 >= 0 and y0 >= 0 and x1 <= width + 0.5 and y1 <= height + 0.5, (x0, y0, x1, y1)
            assert x1 - x0 >= 100 and y1 - y0 >= 30  # not a thumbnail either
    assert seen == 7  # the system diagram and one per stage, each drawn once


def test_a_stage_too_big_to_draw_gets_a_note(catalog, any_renderer):
    many = [
        Component(id=f"d{i}", kind="data_source", name=f"Source {i}") for i in range(STAGE_DIAGRAM_LIMIT + 1)
    ]
    design = Design(components=[*many, Component(id="m", kind="model", name="Ranker")])
    design.links.append(Link(id="l0", source="d0", target="m", flow="data"))
    result = CheckResult(findings=[], coverage=stage_coverage(design, catalog))
    text = text_of(report_bytes(design, result, catalog))
    own = STAGE_DIAGRAM_LIMIT + 1
    assert f"it would show {own + 1} components ({own} of its own, 1 linked from other stages)" in text
    assert text.count("No diagram of this stage") == 1  # the model stage (2 components) has one
    assert "Each stage opens with its diagram" in text


def test_no_stage_diagrams_when_the_diagram_is_skipped(recommender, recommender_check, catalog):
    pdf = report_bytes(recommender, recommender_check, catalog, diagram_error="skipped")
    assert not any(_forms(page) for page in reader(pdf).pages)
    assert "Each stage opens with its diagram" not in text_of(pdf)


def test_stage_view_and_graph_structure(recommender, catalog):
    view = stage_view(recommender, catalog, "model")
    stages = [catalog.stage_of(c.kind) for c in recommender.components]
    assert view.members and all(stages[i] == "model" for i in view.members)
    assert view.context and all(stages[i] != "model" for i in view.context)
    ids = {c.id: i for i, c in enumerate(recommender.components)}
    for link in recommender.links:
        touches = "model" in (stages[ids[link.source]], stages[ids[link.target]])
        assert (link in view.links) == touches
    source = build_stage_graph(recommender, catalog, None, "model").source
    assert source.count("subgraph cluster_") == 1  # the stage; context boxes are plain tables
    assert "rank=min" in source and "rank=max" in source
    edges = re.findall(r"^\s*(\S+) -> (\S+) ?(\[.*\])?$", source, flags=re.MULTILINE)
    assert len(edges) == len(view.links) <= STAGE_LABEL_LIMIT
    for tail, head, attrs in edges:
        within = tail.startswith("n") and head.startswith("n")
        assert ("label=<" in attrs) == within, (tail, head, attrs)  # context links: flows in the text
    assert any(tail.startswith("n") and head.startswith("n") for tail, head, _ in edges)
    assert build_stage_graph(recommender, catalog, None, "nonexistent").source.count("->") == 0


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_hostile_names_in_stage_diagrams(hostile, hostile_check, catalog, renderer, rankdir):
    for stage in catalog.stages:
        graph = build_stage_graph(hostile, catalog, hostile_check, stage.id, rankdir=rankdir)
        source = graph.source
        skeleton = source
        while True:  # drop every HTML-like label: what is left are generated ids and attributes
            shorter = re.sub(r"(label)=<(?:[^<>]|<[^<>]*>)*>", r"\1=LABEL", skeleton)
            if shorter == skeleton:
                break
            skeleton = shorter
        for fragment in ("passwd", "pwned", "bold", "推荐", "Extraordinarily", "braces", "slash", "Café"):
            assert fragment not in skeleton, (stage.id, fragment)
        edges = re.findall(r"^\s*(\S+) -> (\S+)", skeleton, flags=re.MULTILINE)
        assert all(re.fullmatch(r'n\d+|"?s\d+"?:"?c\d+"?:[nsew]', end) for edge in edges for end in edge), (
            edges
        )
        svg = render(source, "svg", renderer=renderer)
        assert b"<image" not in svg
        texts = node_texts(svg)
        for index in stage_view(hostile, catalog, stage.id).members:
            lines = wrap_lines(hostile.components[index].name)
            assert texts[f"n{index}"][: len(lines)] == lines
        drawn = " ".join(all_texts(svg))
        for index in stage_view(hostile, catalog, stage.id).context:
            for line in wrap_lines(hostile.components[index].name, 24):
                assert line in drawn, (stage.id, line)


def test_overview_leaves_flows_to_the_stage_diagrams_past_the_limit(catalog, any_renderer):
    components = [Component(id=f"c{i}", kind="data_source", name=f"Source {i}") for i in range(12)]
    components += [Component(id=f"p{i}", kind="data_pipeline", name=f"Pipeline {i}") for i in range(4)]
    links = [
        Link(id=f"l{i}-{j}", source=f"c{i}", target=f"p{j}", flow="data", label=f"flow {i}-{j}")
        for i in range(12)
        for j in range(4)
    ][: OVERVIEW_LABEL_LIMIT + 1]
    design = Design(components=components, links=links)
    svg, error = render_diagram(design, catalog, None, None)
    assert error is None and svg is not None
    assert not [t for t in all_texts(svg) if t.startswith("flow ")]
    design.links = links[:OVERVIEW_LABEL_LIMIT]
    svg, _error = render_diagram(design, catalog, None, None)
    assert [t for t in all_texts(svg) if t.startswith("flow ")]


def test_stage_placement_and_shrinking():
    assert stage_placement(400, 300).page is None  # in the text, full size
    assert stage_placement(1200, 300).page == "landscape"  # too small across a portrait page
    assert stage_placement(300, 1400).page == "portrait"  # tall: a portrait page of its own
    flowable = DiagramFlowable(Drawing(400, 400), min_scale=MIN_STAGE_SCALE)
    assert flowable.wrap(493, 1000) == (400, 400)  # never enlarged
    assert flowable.wrap(200, 1000) == (200, 200)  # scaled to the text width
    width, height = flowable.wrap(493, 300)  # shrinks to the rest of the page...
    assert height == 300 and flowable.scale == 0.75
    assert flowable.wrap(493, 200)[1] == 400  # ...but not below MIN_STAGE_SCALE: next page
    flowable._postponed = 1
    assert flowable.wrap(493, 200) == (200, 200)  # a fresh page: whatever it takes, never cropped
